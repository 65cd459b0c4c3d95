using Dapr.Workflow;
using Dapr.Workflow.Abstractions;

namespace DaprPlatform.Workflow.Testing.Replay;

/// <summary>What one activity execution knows about itself, as Dapr.Workflow's worker gives it.</summary>
internal sealed class ActivityContext(string name, string instanceId, int taskId, string taskExecutionKey, CancellationToken cancellationToken)
    : WorkflowActivityContext
{
    public override TaskIdentifier Identifier { get; } = new(name);

    public override string InstanceId { get; } = instanceId;

    public override string TaskExecutionKey { get; } = taskExecutionKey;

    public override int ScheduledEventId { get; } = taskId;

    public override CancellationToken CancellationToken { get; } = cancellationToken;
}
