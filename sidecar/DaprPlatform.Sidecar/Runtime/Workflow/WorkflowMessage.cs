using DaprPlatform.DurableTask.Protocol;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// An event one instance sends to another once its step is committed: a child's ExecutionStarted, an EventRaised, an
/// ExecutionTerminated, or a child's result for its parent. A message with <see cref="TargetExecutionId"/> is dropped
/// when the target has since moved to another execution (continue-as-new, re-creation).
/// </summary>
public sealed record WorkflowMessage(string TargetInstanceId, HistoryEvent Event, string? TargetExecutionId = null);
