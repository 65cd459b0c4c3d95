namespace DaprPlatform.Dapr.Workflow;

/// <summary>Options for scheduling an activity.</summary>
public record WorkflowTaskOptions(WorkflowRetryPolicy? RetryPolicy = null);
