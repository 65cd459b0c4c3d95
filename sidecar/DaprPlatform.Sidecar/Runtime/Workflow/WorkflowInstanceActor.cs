using DaprPlatform.DurableTask.Protocol;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// One workflow instance, processed one step at a time (like daprd's workflow actor): every method runs under
/// <see cref="Gate"/>. New events are stored in the inbox first; when no turn is in flight the inbox is handed to a
/// worker as a turn; the answer is applied and committed in one transaction, and only then are activities
/// dispatched, timers armed and other instances told. Suspend and resume are recorded between turns by the engine
/// itself, terminate at once.
/// </summary>
internal sealed class WorkflowInstanceActor(WorkflowEngine engine, string instanceId)
{
    private readonly Dictionary<int, ActivityWork> _activities = [];
    private readonly Dictionary<int, ITimer> _timers = [];
    private readonly List<StatusWaiter> _waiters = [];
    private WorkflowRuntimeState? _state;
    private Turn? _turn;
    private ITimer? _wakeTimer;

    public string InstanceId { get; } = instanceId;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Removed from the engine's table; a caller that raced the removal must look the instance up again.</summary>
    public bool Evicted { get; private set; }

    private WorkflowRuntimeState State => _state ?? throw new InvalidOperationException("instance state is not loaded");

    public bool Exists => _state?.Exists == true;

    public bool IsCompleted => _state?.IsCompleted == true;

    public WorkflowRuntimeState? LoadedState => _state;

    public async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_state is not null)
        {
            return;
        }

        _state = await engine.Store.LoadAsync(InstanceId, cancellationToken);
        if (_state.Exists && !_state.IsCompleted)
        {
            await ActivateAsync();
        }
    }

    /// <summary>Unloads a finished or unknown instance nobody waits on, so memory holds only live workflows.</summary>
    public bool TryEvict()
    {
        if (_state is null || (_state.Exists && !_state.IsCompleted) || _turn is not null || _activities.Count > 0 || _timers.Count > 0)
        {
            return false;
        }

        _waiters.RemoveAll(w => w.Task.IsCompleted);
        if (_waiters.Count > 0)
        {
            return false;
        }

        Evicted = true;
        _wakeTimer?.Dispose();
        return true;
    }

    public WorkflowSnapshot? Snapshot() => _state is null ? null : WorkflowSnapshot.From(_state);

    public async Task CreateAsync(HistoryEvent startEvent)
    {
        var state = State;
        if (state.Exists && !state.IsCompleted)
        {
            // A parent that re-sends the creation of its child (after a restart, say) is not a conflict.
            if (IsSameChildCreation(state, startEvent))
            {
                return;
            }

            throw new WorkflowAlreadyExistsException(InstanceId);
        }

        var recreate = state.Exists;
        var change = new WorkflowStateChange
        {
            ResetHistory = recreate,
            ClearInbox = recreate,
            Generation = recreate ? state.Generation + 1 : 0,
            Index = WorkflowIndexChange.Add,
        };
        if (recreate)
        {
            change.SetCustomStatus(null);
        }

        change.NewInbox.Add(startEvent);
        await CommitAsync(change);
        NotifyWaiters();
        await PumpAsync();
    }

    /// <summary>The history a rerun of this finished, top-level instance starts from (daprd's checks, in its order).</summary>
    public List<HistoryEvent> ForkForRerun(int targetEventId, string newInstanceId, bool overwriteInput, string? input, string? newChildInstanceId)
    {
        var state = State;
        if (!state.Exists)
        {
            throw new WorkflowRerunException(StatusCode.NotFound, $"workflow instance does not exist with ID '{InstanceId}'");
        }

        if (!state.IsCompleted)
        {
            throw new WorkflowRerunException(StatusCode.InvalidArgument, $"'{InstanceId}' is not in a terminal state");
        }

        if (state.StartEvent?.ExecutionStarted.ParentInstance is not null)
        {
            throw new WorkflowRerunException(StatusCode.InvalidArgument, $"'{InstanceId}': cannot rerun from child-workflows");
        }

        return WorkflowFork.Build(InstanceId, state.History, targetEventId, newInstanceId, overwriteInput, input, newChildInstanceId);
    }

    /// <summary>
    /// Creates this instance from a forked history and runs again what it left unfinished (the activities, timers and
    /// children after the fork point), as a restarted sidecar resumes an instance.
    /// </summary>
    public async Task CreateRerunAsync(List<HistoryEvent> history)
    {
        if (State.Exists)
        {
            throw new WorkflowRerunException(StatusCode.AlreadyExists, $"workflow '{InstanceId}' has already been created");
        }

        var change = new WorkflowStateChange { Generation = 0, Index = WorkflowIndexChange.Add };
        change.NewHistory.AddRange(history);
        await CommitAsync(change);
        NotifyWaiters();
        await ActivateAsync();
    }

    /// <summary>Stores an event for the next turn; terminate is applied at once.</summary>
    public async Task AddEventAsync(HistoryEvent e, string? expectedExecutionId = null)
    {
        var state = State;
        if (!state.Exists)
        {
            throw new WorkflowNotFoundException(InstanceId);
        }

        if (state.IsCompleted
            || (expectedExecutionId is not null && !string.Equals(expectedExecutionId, state.ExecutionId, StringComparison.Ordinal))
            || state.IsDuplicateResolution(e))
        {
            // A finished instance takes no more events; a result for another execution or a second result is stale.
            return;
        }

        if (e.ExecutionTerminated is not null)
        {
            await TerminateAsync(e);
            return;
        }

        var change = new WorkflowStateChange();
        change.NewInbox.Add(e);
        await CommitAsync(change);
        RefreshQueuedTurn();
        await PumpAsync();
    }

    public async Task CompleteTurnAsync(WorkflowResponse response)
    {
        if (_turn is not { } turn || !turn.Dispatch.Accepts(response.CompletionToken) || _state is null || _state.IsCompleted)
        {
            engine.Log.StaleTurnResponse(InstanceId);
            return;
        }

        TurnOutcome outcome;
        try
        {
            outcome = engine.Applier.Apply(State, turn.WorkflowStarted, turn.DeliveredCount, response);
        }
        catch (WorkflowActionException e)
        {
            // The same answer would come back on every retry; end the workflow rather than spin.
            outcome = engine.Applier.Apply(State, turn.WorkflowStarted, turn.DeliveredCount, FailedResponse(response, e.Message));
        }

        _turn = null;
        engine.Dispatcher.Complete(turn.Dispatch);
        try
        {
            await CommitAsync(outcome.Change);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing was stored: run the turn again once the store is back.
            engine.Log.TurnCommitFailed(InstanceId, e);
            ScheduleWake(engine.Options.RetryDelay);
            throw;
        }

        if (outcome.Completed || outcome.ContinuedAsNew)
        {
            CancelPendingWork();
        }

        foreach (var scheduled in outcome.ScheduledTasks)
        {
            StartActivity(scheduled);
        }

        foreach (var timer in outcome.CreatedTimers)
        {
            ArmTimer(timer);
        }

        foreach (var message in outcome.Messages)
        {
            engine.Deliver(message, InstanceId);
        }

        if (outcome.Completed)
        {
            engine.Log.WorkflowCompleted(InstanceId, State.StartEvent?.ExecutionStarted.Name ?? "", State.Status);
        }

        NotifyWaiters();
        await PumpAsync();
    }

    public async Task CompleteActivityAsync(ActivityResponse response)
    {
        if (!_activities.TryGetValue(response.TaskId, out var work) || !work.Dispatch.Accepts(response.CompletionToken))
        {
            // durabletask-go ignores completions for tasks it no longer waits on.
            engine.Log.StaleActivityResponse(InstanceId, response.TaskId);
            return;
        }

        _activities.Remove(response.TaskId);
        engine.Dispatcher.Complete(work.Dispatch);
        var state = State;
        var result = HistoryEvents.ActivityResult(engine.Time, work.Scheduled, response);
        if (state.IsCompleted || state.IsDuplicateResolution(result))
        {
            return;
        }

        var change = new WorkflowStateChange();
        change.NewInbox.Add(result);
        try
        {
            await CommitAsync(change);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The result is lost with the failed write, so the activity has to run again.
            _activities[response.TaskId] = work;
            engine.Dispatcher.Enqueue(work.Dispatch);
            throw;
        }

        RefreshQueuedTurn();
        await PumpAsync();
    }

    public async Task FireTimerAsync(int timerId, Timestamp fireAt, string? executionId)
    {
        if (!_timers.Remove(timerId, out var timer))
        {
            return;
        }

        timer.Dispose();
        var state = State;
        if (!state.Exists || state.IsCompleted || !string.Equals(executionId, state.ExecutionId, StringComparison.Ordinal))
        {
            return;
        }

        var remaining = fireAt.ToDateTimeOffset() - engine.Time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            // Timers further out than a timer can wait are re-armed in steps.
            ArmTimer(timerId, fireAt, remaining);
            return;
        }

        var fired = HistoryEvents.TimerFired(engine.Time, timerId, fireAt);
        if (state.IsDuplicateResolution(fired))
        {
            return;
        }

        var change = new WorkflowStateChange();
        change.NewInbox.Add(fired);
        try
        {
            await CommitAsync(change);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            engine.Log.TimerCommitFailed(InstanceId, timerId, e);
            ArmTimer(timerId, fireAt, engine.Options.RetryDelay);
            return;
        }

        RefreshQueuedTurn();
        await PumpAsync();
    }

    /// <summary>Purges this instance; the engine walks the children first when the purge is recursive.</summary>
    public async Task PurgeAsync(bool force)
    {
        EnsurePurgeable(force);
        if (_turn is { } turn)
        {
            engine.Dispatcher.Complete(turn.Dispatch);
            _turn = null;
        }

        CancelPendingWork();
        await CommitAsync(new WorkflowStateChange { Purge = true, Index = WorkflowIndexChange.Remove });
        engine.Log.WorkflowPurged(InstanceId);
    }

    /// <summary>Throws unless this instance may be purged; returns the children a recursive purge visits first.</summary>
    public IReadOnlyList<string> EnsurePurgeable(bool force)
    {
        var state = State;
        if (!state.Exists)
        {
            throw new WorkflowNotFoundException(InstanceId);
        }

        if (!force && (!state.IsCompleted || state.StalledEvent is not null))
        {
            throw new WorkflowNotCompletedException();
        }

        return state.History
            .Where(e => e.ChildWorkflowInstanceCreated is not null)
            .Select(e => e.ChildWorkflowInstanceCreated.InstanceId)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public IReadOnlyList<HistoryEvent> History()
    {
        var state = State;
        return state.Exists ? state.History.ToList() : throw new WorkflowNotFoundException(InstanceId);
    }

    /// <summary>
    /// Resolves with the snapshot once <paramref name="condition"/> holds; an unknown instance is waited for until it
    /// is created, as daprd's WaitForRuntimeStatus does.
    /// </summary>
    public Task<WorkflowSnapshot> WaitFor(Func<WorkflowSnapshot, bool> condition)
    {
        if (Snapshot() is { } snapshot && (condition(snapshot) || snapshot.IsComplete))
        {
            return Task.FromResult(snapshot);
        }

        var waiter = new StatusWaiter(condition);
        _waiters.Add(waiter);
        return waiter.Task;
    }

    public void PruneWaiters() => _waiters.RemoveAll(w => w.Task.IsCompleted);

    /// <summary>The wake timer fired: a scheduled start is due, or a failed step is retried.</summary>
    public Task WakeAsync()
    {
        _wakeTimer?.Dispose();
        _wakeTimer = null;
        return PumpAsync();
    }

    /// <summary>
    /// Picks up what a resumed instance was doing: activities scheduled but not answered are dispatched again (a
    /// completed one has its result in history or the inbox and is not), pending timers are armed, children are
    /// checked, and the inbox is handed to a worker.
    /// </summary>
    private async Task ActivateAsync()
    {
        var state = State;
        foreach (var e in state.History)
        {
            switch (e.EventTypeCase)
            {
                case HistoryEvent.EventTypeOneofCase.TaskScheduled when !state.IsResolved(HistoryEventKinds.TaskResolution(e.EventId)):
                    StartActivity(e);
                    break;
                case HistoryEvent.EventTypeOneofCase.TimerCreated when !state.IsResolved(HistoryEventKinds.TimerResolution(e.EventId)):
                    ArmTimer(e);
                    break;
                case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated when !state.IsResolved(HistoryEventKinds.ChildResolution(e.EventId)):
                    var created = e.ChildWorkflowInstanceCreated;
                    var childStart = engine.Applier.ChildStart(state, state.StartEvent!.ExecutionStarted, e.EventId, created.InstanceId, created.Name, created.Input, e.Router);
                    engine.EnsureChild(created.InstanceId, childStart);
                    break;
            }
        }

        await PumpAsync();
    }

    /// <summary>Hands the inbox to a worker unless a turn is in flight; records suspend/resume between turns.</summary>
    private async Task PumpAsync()
    {
        while (_state is { Exists: true, IsCompleted: false } state && _turn is null)
        {
            var inbox = state.Inbox;
            if (state.IsSuspended)
            {
                // Only suspend/resume move a suspended instance; everything else waits in the inbox.
                var control = IndexOf(inbox, HistoryEventKinds.IsSuspendOrResume);
                if (control < 0 || !await TryRecordControlEventAsync(control))
                {
                    return;
                }

                continue;
            }

            if (inbox.Count == 0)
            {
                return;
            }

            if (HistoryEventKinds.IsSuspendOrResume(inbox[0]))
            {
                if (!await TryRecordControlEventAsync(0))
                {
                    return;
                }

                continue;
            }

            if (state.IsPending && state.StartEvent?.ExecutionStarted.ScheduledStartTimestamp is { } startAt
                && startAt.ToDateTimeOffset() - engine.Time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
            {
                ScheduleWake(wait);
                return;
            }

            var delivered = 0;
            while (delivered < inbox.Count && !HistoryEventKinds.IsSuspendOrResume(inbox[delivered]))
            {
                delivered++;
            }

            DispatchTurn(state, delivered);
            return;
        }
    }

    /// <summary>
    /// A turn no worker has taken yet (none connected, or all busy) is built again so it carries the events that
    /// arrived since; once sent, later events wait for the next turn.
    /// </summary>
    private void RefreshQueuedTurn()
    {
        if (_turn is { } turn && engine.Dispatcher.TryWithdraw(turn.Dispatch))
        {
            _turn = null;
        }
    }

    private void DispatchTurn(WorkflowRuntimeState state, int delivered)
    {
        var started = HistoryEvents.WorkflowStarted(engine.Time);
        var request = new WorkflowRequest { InstanceId = InstanceId, ExecutionId = state.ExecutionId };
        request.PastEvents.AddRange(state.History);
        request.NewEvents.Add(started);
        for (var i = 0; i < delivered; i++)
        {
            request.NewEvents.Add(state.Inbox[i]);
        }

        var dispatch = WorkDispatch.ForWorkflow(request);
        _turn = new Turn(dispatch, delivered, started);
        engine.Dispatcher.Enqueue(dispatch);
    }

    private async Task<bool> TryRecordControlEventAsync(int index)
    {
        var state = State;
        var change = new WorkflowStateChange { ClearInbox = true };
        change.NewHistory.Add(state.Inbox[index]);
        change.NewInbox.AddRange(state.Inbox.Where((_, i) => i != index));
        try
        {
            await CommitAsync(change);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            engine.Log.ControlCommitFailed(InstanceId, e);
            ScheduleWake(engine.Options.RetryDelay);
            return false;
        }

        NotifyWaiters();
        return true;
    }

    private async Task TerminateAsync(HistoryEvent terminated)
    {
        var outcome = engine.Applier.Terminate(State, terminated);
        await CommitAsync(outcome.Change);
        if (_turn is { } turn)
        {
            // The answer to a turn still out is dropped: the instance no longer waits for it.
            engine.Dispatcher.Complete(turn.Dispatch);
            _turn = null;
        }

        CancelPendingWork();
        foreach (var message in outcome.Messages)
        {
            engine.Deliver(message, InstanceId);
        }

        engine.Log.WorkflowCompleted(InstanceId, State.StartEvent?.ExecutionStarted.Name ?? "", OrchestrationStatus.Terminated);
        NotifyWaiters();
    }

    private async Task CommitAsync(WorkflowStateChange change)
    {
        var state = State;
        if (change.Index != WorkflowIndexChange.None && engine.Index.Affects(InstanceId, change.Index))
        {
            // The shard is rewritten from the in-memory set, so writers of one shard take turns.
            using (await engine.Index.LockAsync(InstanceId, CancellationToken.None))
            {
                var shard = new KeyValuePair<string, byte[]>(
                    engine.Store.Keys.IndexShard(WorkflowIndex.ShardOf(InstanceId)), engine.Index.Encode(InstanceId, change.Index));
                await engine.Store.CommitAsync(state, change, shard, CancellationToken.None);
                engine.Index.Apply(InstanceId, change.Index);
            }
        }
        else
        {
            await engine.Store.CommitAsync(state, change, null, CancellationToken.None);
        }

        state.Apply(change);
    }

    private void StartActivity(HistoryEvent scheduled)
    {
        var task = scheduled.TaskScheduled;
        var request = new ActivityRequest
        {
            Name = task.Name,
            Version = task.Version,
            Input = task.Input,
            WorkflowInstance = new WorkflowInstance { InstanceId = InstanceId, ExecutionId = State.ExecutionId },
            TaskId = scheduled.EventId,
            TaskExecutionId = task.TaskExecutionId,
            ParentTraceContext = task.ParentTraceContext,
        };
        var dispatch = WorkDispatch.ForActivity(request);
        _activities[scheduled.EventId] = new ActivityWork(dispatch, scheduled);
        engine.Dispatcher.Enqueue(dispatch);
    }

    private void ArmTimer(HistoryEvent created)
    {
        var fireAt = created.TimerCreated.FireAt ?? HistoryEvents.Now(engine.Time);
        ArmTimer(created.EventId, fireAt, fireAt.ToDateTimeOffset() - engine.Time.GetUtcNow());
    }

    private void ArmTimer(int timerId, Timestamp fireAt, TimeSpan due)
    {
        var executionId = State.ExecutionId;
        if (_timers.Remove(timerId, out var previous))
        {
            previous.Dispose();
        }

        _timers[timerId] = engine.Time.CreateTimer(
            _ => engine.OnTimerDue(InstanceId, timerId, fireAt, executionId), null, ClampDue(due), Timeout.InfiniteTimeSpan);
    }

    private void ScheduleWake(TimeSpan due)
    {
        _wakeTimer?.Dispose();
        _wakeTimer = engine.Time.CreateTimer(_ => engine.OnWake(InstanceId), null, ClampDue(due), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Timers and activities of an execution that ended (or started over) are of no use any more.</summary>
    private void CancelPendingWork()
    {
        foreach (var timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
        foreach (var work in _activities.Values)
        {
            engine.Dispatcher.Complete(work.Dispatch);
        }

        _activities.Clear();
    }

    private void NotifyWaiters()
    {
        if (_waiters.Count == 0)
        {
            return;
        }

        var snapshot = Snapshot();
        _waiters.RemoveAll(waiter => waiter.Task.IsCompleted || (snapshot is not null && waiter.TryComplete(snapshot)));
    }

    private static bool IsSameChildCreation(WorkflowRuntimeState state, HistoryEvent startEvent)
    {
        var incoming = startEvent.ExecutionStarted.ParentInstance;
        var existing = state.StartEvent?.ExecutionStarted.ParentInstance;
        return incoming is not null && existing is not null
            && incoming.TaskScheduledId == existing.TaskScheduledId
            && string.Equals(incoming.WorkflowInstance?.InstanceId, existing.WorkflowInstance?.InstanceId, StringComparison.Ordinal);
    }

    private static WorkflowResponse FailedResponse(WorkflowResponse response, string message)
    {
        var failed = new WorkflowResponse { InstanceId = response.InstanceId, CustomStatus = response.CustomStatus };
        failed.Actions.Add(new WorkflowAction
        {
            Id = -1,
            CompleteWorkflow = new CompleteWorkflowAction
            {
                WorkflowStatus = OrchestrationStatus.Failed,
                FailureDetails = new TaskFailureDetails { ErrorType = "InvalidWorkflowAction", ErrorMessage = message, IsNonRetriable = true },
            },
        });
        return failed;
    }

    private static int IndexOf(IReadOnlyList<HistoryEvent> events, Func<HistoryEvent, bool> match)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (match(events[i]))
            {
                return i;
            }
        }

        return -1;
    }

    // Timers cannot wait longer than about 49 days; longer waits are re-armed when they fire.
    private static TimeSpan ClampDue(TimeSpan due) =>
        due < TimeSpan.Zero ? TimeSpan.Zero : due > MaxTimerDue ? MaxTimerDue : due;

    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromMilliseconds(uint.MaxValue - 2);

    private sealed record Turn(WorkDispatch Dispatch, int DeliveredCount, HistoryEvent WorkflowStarted);

    private sealed record ActivityWork(WorkDispatch Dispatch, HistoryEvent Scheduled);

    private sealed class StatusWaiter(Func<WorkflowSnapshot, bool> condition)
    {
        private readonly TaskCompletionSource<WorkflowSnapshot> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<WorkflowSnapshot> Task => _completion.Task;

        public bool TryComplete(WorkflowSnapshot snapshot) =>
            (condition(snapshot) || snapshot.IsComplete) && _completion.TrySetResult(snapshot);
    }
}
