using DaprPlatform.DurableTask.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// The committed state of one workflow instance as it is in the store: history, inbox, custom status and generation,
/// plus facts derived from them as events are added (start and completion events, suspension, resolved tasks).
/// It only ever changes through <see cref="Apply"/> once the matching <see cref="WorkflowStateChange"/> is stored.
/// </summary>
public sealed class WorkflowRuntimeState(string instanceId)
{
    private readonly List<HistoryEvent> _history = [];
    private readonly List<HistoryEvent> _inbox = [];
    private readonly HashSet<long> _resolved = [];

    public string InstanceId { get; } = instanceId;

    public IReadOnlyList<HistoryEvent> History => _history;

    public IReadOnlyList<HistoryEvent> Inbox => _inbox;

    public string? CustomStatus { get; private set; }

    /// <summary>Whether the customStatus key exists in the store.</summary>
    public bool CustomStatusPersisted { get; private set; }

    public ulong Generation { get; private set; }

    /// <summary>True once the metadata row exists: the instance was created and not purged.</summary>
    public bool Exists { get; private set; }

    /// <summary>The ExecutionStarted of the current execution: from history, or from the inbox while still pending.</summary>
    public HistoryEvent? StartEvent { get; private set; }

    public HistoryEvent? CompletedEvent { get; private set; }

    public bool IsCompleted => CompletedEvent is not null;

    public bool IsSuspended { get; private set; }

    public HistoryEvent? StalledEvent { get; private set; }

    /// <summary>History is empty: the first turn has not run yet.</summary>
    public bool IsPending => _history.Count == 0;

    public string? ExecutionId => StartEvent?.ExecutionStarted.WorkflowInstance?.ExecutionId;

    public OrchestrationStatus Status => this switch
    {
        { StartEvent: null } => OrchestrationStatus.Pending,
        { CompletedEvent: { } completed } => completed.ExecutionCompleted.WorkflowStatus,
        { IsPending: true } => OrchestrationStatus.Pending,
        { StalledEvent: not null } => OrchestrationStatus.Stalled,
        { IsSuspended: true } => OrchestrationStatus.Suspended,
        _ => OrchestrationStatus.Running,
    };

    /// <summary>A task, timer or child workflow already resolved in history or waiting in the inbox.</summary>
    public bool IsResolved(long resolutionKey) => _resolved.Contains(resolutionKey);

    /// <summary>True when <paramref name="e"/> resolves something that was already resolved.</summary>
    public bool IsDuplicateResolution(HistoryEvent e) =>
        HistoryEventKinds.TryGetResolution(e, out var key) && _resolved.Contains(key);

    /// <summary>Fills a freshly created object with what was read from the store.</summary>
    internal void Load(WorkflowStateMetadata metadata, IEnumerable<HistoryEvent> history, IEnumerable<HistoryEvent> inbox, string? customStatus, bool customStatusPersisted)
    {
        Exists = true;
        Generation = metadata.Generation;
        foreach (var e in history)
        {
            AddHistory(e);
        }

        foreach (var e in inbox)
        {
            AddInbox(e);
        }

        CustomStatus = customStatus;
        CustomStatusPersisted = customStatusPersisted;
    }

    /// <summary>Makes the in-memory state match the store after <paramref name="change"/> was committed.</summary>
    public void Apply(WorkflowStateChange change)
    {
        if (change.Purge)
        {
            ResetHistory();
            _inbox.Clear();
            _resolved.Clear();
            Exists = false;
            CustomStatus = null;
            CustomStatusPersisted = false;
            Generation = 0;
            return;
        }

        // Decided on the state before the change, as the store operations were.
        var wroteCustomStatus = change.WritesCustomStatus(this);
        Exists = true;
        if (change.ClearInbox)
        {
            _inbox.Clear();
        }
        else if (change.InboxConsumed > 0)
        {
            // Consumed events move to history in this same change, so what they resolve stays resolved.
            _inbox.RemoveRange(0, change.InboxConsumed);
        }

        if (change.ResetHistory)
        {
            ResetHistory();
            _resolved.Clear();
            foreach (var e in _inbox)
            {
                Resolve(e);
            }
        }

        foreach (var e in change.NewHistory)
        {
            AddHistory(e);
        }

        foreach (var e in change.NewInbox)
        {
            AddInbox(e);
        }

        if (change.CustomStatusChanged)
        {
            CustomStatus = change.CustomStatus;
        }

        if (wroteCustomStatus)
        {
            CustomStatusPersisted = true;
        }

        Generation = change.Generation ?? Generation;
    }

    private void ResetHistory()
    {
        _history.Clear();
        StartEvent = null;
        CompletedEvent = null;
        IsSuspended = false;
        StalledEvent = null;
    }

    private void Resolve(HistoryEvent e)
    {
        if (HistoryEventKinds.TryGetResolution(e, out var key))
        {
            _resolved.Add(key);
        }
    }

    private void AddHistory(HistoryEvent e)
    {
        _history.Add(e);
        switch (e.EventTypeCase)
        {
            case HistoryEvent.EventTypeOneofCase.ExecutionStarted:
                StartEvent = e;
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionCompleted:
                CompletedEvent = e;
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionSuspended:
                IsSuspended = true;
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionResumed:
                IsSuspended = false;
                break;
        }

        // As in durabletask-go, any event but a stall clears a stall.
        StalledEvent = e.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionStalled ? e : null;
        Resolve(e);
    }

    private void AddInbox(HistoryEvent e)
    {
        _inbox.Add(e);
        if (_history.Count == 0 && e.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionStarted && StartEvent is null)
        {
            StartEvent = e;
        }

        Resolve(e);
    }
}
