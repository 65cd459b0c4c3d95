namespace DaprPlatform.Dapr.Workflow;

/// <summary>Options for starting a child workflow. Without <see cref="InstanceId"/> a deterministic id is generated.</summary>
public sealed record ChildWorkflowTaskOptions(string? InstanceId = null, WorkflowRetryPolicy? RetryPolicy = null)
    : WorkflowTaskOptions(RetryPolicy);
