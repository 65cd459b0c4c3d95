namespace DaprPlatform.Dapr.Workflow;

/// <summary>Thrown inside a workflow when an activity or child workflow it awaited failed.</summary>
public sealed class WorkflowTaskFailedException(string message, WorkflowTaskFailureDetails failureDetails) : Exception(message)
{
    public WorkflowTaskFailureDetails FailureDetails { get; } = failureDetails;
}
