using DaprPlatform.DurableTask.Protocol;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

public enum WorkKind
{
    Workflow,
    Activity,
}

/// <summary>
/// One unit of work for a worker (a workflow turn or an activity run) as the dispatcher tracks it: queued until a
/// stream has room, then in flight on that stream under a fresh completion token. When the stream drops, the
/// dispatch goes back to the queue and gets a new token on its next send.
/// </summary>
public sealed class WorkDispatch
{
    private volatile string? _token;

    private WorkDispatch(WorkKind kind, string instanceId, WorkflowRequest? workflow, ActivityRequest? activity)
    {
        Kind = kind;
        InstanceId = instanceId;
        WorkflowRequest = workflow;
        ActivityRequest = activity;
    }

    public WorkKind Kind { get; }

    public string InstanceId { get; }

    public WorkflowRequest? WorkflowRequest { get; }

    public ActivityRequest? ActivityRequest { get; }

    /// <summary>The token of the current send; null while queued.</summary>
    public string? Token
    {
        get => _token;
        internal set => _token = value;
    }

    internal WorkDispatchState State { get; set; }

    internal WorkerStream? Stream { get; set; }

    public static WorkDispatch ForWorkflow(WorkflowRequest request) => new(WorkKind.Workflow, request.InstanceId, request, null);

    public static WorkDispatch ForActivity(ActivityRequest request) =>
        new(WorkKind.Activity, request.WorkflowInstance.InstanceId, null, request);

    /// <summary>
    /// durabletask-go's stale-response rule: a completion echoing a different non-empty token belongs to an older
    /// send; workers that do not echo tokens send none and are accepted.
    /// </summary>
    public bool Accepts(string? completionToken) =>
        string.IsNullOrEmpty(completionToken) || string.Equals(completionToken, Token, StringComparison.Ordinal);

    internal WorkItem ToWorkItem(string token) => Kind == WorkKind.Workflow
        ? new WorkItem { WorkflowRequest = WorkflowRequest, CompletionToken = token }
        : new WorkItem { ActivityRequest = ActivityRequest, CompletionToken = token };
}

internal enum WorkDispatchState
{
    New,
    Queued,
    InFlight,
    Done,
}
