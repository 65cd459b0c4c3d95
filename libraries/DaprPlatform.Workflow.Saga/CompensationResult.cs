using Dapr.Workflow;

namespace DaprPlatform.Workflow.Saga;

/// <summary>
/// The record of a compensation run, meant to be part of the workflow output: why it ran, the outcome, and every
/// compensation step in the order it ran (reverse order of the original steps).
/// </summary>
public sealed record CompensationResult(CompensationOutcome Outcome, string Reason, IReadOnlyList<CompensationStepResult> Steps);
