namespace DaprPlatform.Workflow.Testing;

/// <summary>
/// Replaying the history showed that the workflow code no longer makes the same calls it made before (for example
/// it now schedules a different activity at the same position). The workflow fails with this error type.
/// </summary>
public sealed class NonDeterministicWorkflowException(string message) : Exception(message);
