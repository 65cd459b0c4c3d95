using Dapr.Workflow;

namespace DaprPlatform.Workflow.Saga;

/// <summary>One compensation activity and how it ended (<see cref="Error"/> is set when it failed).</summary>
public sealed record CompensationStepResult(string ActivityName, CompensationStepStatus Status, string? Error = null);
