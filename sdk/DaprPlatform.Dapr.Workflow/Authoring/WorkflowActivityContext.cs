namespace DaprPlatform.Dapr.Workflow;

/// <summary>What an activity execution knows about itself.</summary>
public sealed class WorkflowActivityContext
{
    internal WorkflowActivityContext(string name, string instanceId, int taskId, string taskExecutionId, CancellationToken cancellationToken)
    {
        Name = name;
        InstanceId = instanceId;
        TaskId = taskId;
        TaskExecutionId = taskExecutionId;
        CancellationToken = cancellationToken;
    }

    /// <summary>The activity name it was scheduled with.</summary>
    public string Name { get; }

    /// <summary>The workflow instance that scheduled this activity.</summary>
    public string InstanceId { get; }

    /// <summary>The id of the TaskScheduled event in the workflow history.</summary>
    public int TaskId { get; }

    /// <summary>
    /// Stable across retries of the same call (the runtime's <c>taskExecutionId</c>); a good idempotency key.
    /// </summary>
    public string TaskExecutionId { get; }

    /// <summary>Cancelled when the worker shuts down.</summary>
    public CancellationToken CancellationToken { get; }
}
