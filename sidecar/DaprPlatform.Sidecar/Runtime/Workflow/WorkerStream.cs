using System.Threading.Channels;
using DaprPlatform.DurableTask.Protocol;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>One connected GetWorkItems stream: the work items to send, and what is in flight on it.</summary>
public sealed class WorkerStream
{
    private readonly Channel<WorkItem> _outbox = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });

    internal WorkerStream(string id, int maxWorkflows, int maxActivities)
    {
        Id = id;
        MaxWorkflows = maxWorkflows;
        MaxActivities = maxActivities;
    }

    public string Id { get; }

    /// <summary>The items to write to the stream, in order.</summary>
    public ChannelReader<WorkItem> Outbox => _outbox.Reader;

    internal int MaxWorkflows { get; }

    internal int MaxActivities { get; }

    internal int WorkflowsInFlight { get; set; }

    internal int ActivitiesInFlight { get; set; }

    internal HashSet<WorkDispatch> InFlight { get; } = [];

    internal bool Closed { get; private set; }

    internal bool HasRoomFor(WorkKind kind) => !Closed && (kind == WorkKind.Workflow
        ? WorkflowsInFlight < MaxWorkflows
        : ActivitiesInFlight < MaxActivities);

    internal bool TrySend(WorkItem item) => _outbox.Writer.TryWrite(item);

    internal void Close()
    {
        Closed = true;
        _outbox.Writer.TryComplete();
    }
}
