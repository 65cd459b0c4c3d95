using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ProtocolWorkflowState = Dapr.DurableTask.Protobuf.WorkflowState;

namespace DaprPlatform.Workflow.Testing;

/// <summary>
/// An in-memory stand-in for the sidecar's workflow engine, following durabletask's runtime-state rules: every turn
/// gets a WorkflowStarted event (the turn's time) plus the inbox; actions become history events whose id is the
/// action id; completions arrive with id -1; continue-as-new starts a fresh history. Time comes from <see cref="Clock"/>.
/// Every call takes one lock, so test code may query an instance while the host runs it.
/// </summary>
internal sealed class InMemoryWorkflowBackend(Func<DateTime> clock)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, InstanceRecord> _instances = new(StringComparer.Ordinal);
    private readonly List<PendingActivity> _activities = [];
    private readonly List<PendingTimer> _timers = [];
    private readonly Dictionary<string, InFlightItem> _inFlight = new(StringComparer.Ordinal);

    public Func<DateTime> Clock { get; } = clock;

    public string CreateInstance(string name, string? instanceId, string? input, DateTime? startAt = null) =>
        Locked(() => CreateInstanceCore(name, instanceId ?? Guid.NewGuid().ToString("N"), input, parent: null, startAt));

    public bool RaiseEvent(string instanceId, string eventName, string? input) => Locked(() =>
    {
        if (!_instances.TryGetValue(instanceId, out var instance) || instance.IsCompleted)
        {
            return false;
        }

        instance.Inbox.Add(NewEvent(e => e.EventRaised = new EventRaisedEvent { Name = eventName, Input = input }));
        return true;
    });

    public bool Terminate(string instanceId, string? output, bool recursive) => Locked(() => TerminateCore(instanceId, output, recursive));

    public bool Suspend(string instanceId, string? reason) => Locked(() => AddControlEvent(instanceId, e => e.ExecutionSuspended = new ExecutionSuspendedEvent { Input = reason }));

    public bool Resume(string instanceId, string? reason) => Locked(() => AddControlEvent(instanceId, e => e.ExecutionResumed = new ExecutionResumedEvent { Input = reason }));

    public ProtocolWorkflowState? GetState(string instanceId, bool includeInputsAndOutputs) => Locked(() =>
        _instances.TryGetValue(instanceId, out var instance) ? instance.ToState(includeInputsAndOutputs) : null);

    public IReadOnlyList<HistoryEvent> GetHistory(string instanceId) => Locked(() =>
        _instances.TryGetValue(instanceId, out var instance) ? instance.History.Select(e => e.Clone()).ToList() : (IReadOnlyList<HistoryEvent>)[]);

    public IReadOnlyList<ScheduledActivity> GetScheduledActivities(string instanceId) => Locked(() =>
        _instances.TryGetValue(instanceId, out var instance) ? instance.ScheduledActivities.ToList() : (IReadOnlyList<ScheduledActivity>)[]);

    public IReadOnlyList<string> GetChildInstanceIds(string instanceId) => Locked(() =>
        _instances.Values.Where(i => i.Parent?.WorkflowInstance.InstanceId == instanceId).Select(i => i.InstanceId).ToList());

    /// <summary>Takes the next workflow turn: an instance with inbox events and no turn in flight.</summary>
    public bool TryTakeWorkflowWorkItem(out WorkItem workItem) => TryLocked(out workItem, TakeWorkflowWorkItemCore);

    public bool TryTakeActivityWorkItem(out WorkItem workItem) => TryLocked(out workItem, TakeActivityWorkItemCore);

    /// <summary>Applies a workflow turn's result; false when the completion token is unknown (stale or duplicate).</summary>
    public bool CompleteWorkflowWorkItem(WorkflowResponse response) => Locked(() => CompleteWorkflowCore(response));

    public bool CompleteActivityWorkItem(ActivityResponse response) => Locked(() => CompleteActivityCore(response));

    /// <summary>The earliest moment something time-based becomes due: a timer or a scheduled start.</summary>
    public DateTime? NextWakeUp() => Locked(() =>
    {
        var times = _timers.Select(t => t.FireAt)
            .Concat(_instances.Values.Where(i => i.NotBefore is not null && i.Inbox.Count > 0).Select(i => i.NotBefore!.Value))
            .ToList();
        return times.Count == 0 ? (DateTime?)null : times.Min();
    });

    /// <summary>Delivers TimerFired for every timer due at the current clock; returns how many fired.</summary>
    public int FireDueTimers() => Locked(() =>
    {
        var now = Clock();
        var due = _timers.Where(t => t.FireAt <= now).OrderBy(t => t.FireAt).ThenBy(t => t.TimerId).ToList();
        foreach (var timer in due)
        {
            _timers.Remove(timer);
            if (_instances.TryGetValue(timer.InstanceId, out var instance) && instance.ExecutionId == timer.ExecutionId && !instance.IsCompleted)
            {
                instance.Inbox.Add(NewEvent(e => e.TimerFired = new TimerFiredEvent { TimerId = timer.TimerId, FireAt = Timestamp.FromDateTime(timer.FireAt) }));
            }
        }

        return due.Count;
    });

    private string CreateInstanceCore(string name, string instanceId, string? input, ParentInstanceInfo? parent, DateTime? startAt)
    {
        if (_instances.TryGetValue(instanceId, out var existing) && !existing.IsCompleted)
        {
            throw new InvalidOperationException($"Workflow instance '{instanceId}' already exists and is not completed.");
        }

        var now = Clock();
        var instance = new InstanceRecord(instanceId, name, now) { Input = input, Parent = parent };
        instance.Inbox.Add(NewEvent(e => e.ExecutionStarted = new ExecutionStartedEvent
        {
            Name = name,
            Input = input,
            WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = instance.ExecutionId },
            ParentInstance = parent,
            ScheduledStartTimestamp = startAt is { } at ? Timestamp.FromDateTime(at.ToUniversalTime()) : null,
        }));
        instance.NotBefore = startAt?.ToUniversalTime();
        _instances[instanceId] = instance;
        return instanceId;
    }

    private bool TerminateCore(string instanceId, string? output, bool recursive)
    {
        if (!_instances.TryGetValue(instanceId, out var instance))
        {
            return false;
        }

        if (!instance.IsCompleted)
        {
            instance.Inbox.Add(NewEvent(e => e.ExecutionTerminated = new ExecutionTerminatedEvent { Input = output, Recurse = recursive }));
        }

        if (recursive)
        {
            foreach (var child in _instances.Values.Where(i => i.Parent?.WorkflowInstance.InstanceId == instanceId && !i.IsCompleted).ToList())
            {
                TerminateCore(child.InstanceId, output, recursive);
            }
        }

        return true;
    }

    private bool AddControlEvent(string instanceId, Action<HistoryEvent> set)
    {
        if (!_instances.TryGetValue(instanceId, out var instance) || instance.IsCompleted)
        {
            return false;
        }

        instance.Inbox.Add(NewEvent(set));
        return true;
    }

    private WorkItem? TakeWorkflowWorkItemCore()
    {
        var now = Clock();
        var instance = _instances.Values.FirstOrDefault(i => !i.TurnInFlight && i.Inbox.Count > 0 && (i.NotBefore is null || i.NotBefore <= now));
        if (instance is null)
        {
            return null;
        }

        instance.TurnInFlight = true;
        instance.TurnEvents.Clear();
        instance.TurnEvents.Add(NewEvent(e => e.WorkflowStarted = new WorkflowStartedEvent()));
        instance.TurnEvents.AddRange(instance.Inbox);
        instance.Inbox.Clear();

        var token = Guid.NewGuid().ToString();
        _inFlight[token] = new InFlightItem(instance.InstanceId, Activity: null);
        var request = new WorkflowRequest { InstanceId = instance.InstanceId, ExecutionId = instance.ExecutionId };
        request.PastEvents.AddRange(instance.History.Select(e => e.Clone()));
        request.NewEvents.AddRange(instance.TurnEvents.Select(e => e.Clone()));
        return new WorkItem { WorkflowRequest = request, CompletionToken = token };
    }

    private WorkItem? TakeActivityWorkItemCore()
    {
        if (_activities.Count == 0)
        {
            return null;
        }

        var activity = _activities[0];
        _activities.RemoveAt(0);
        var token = Guid.NewGuid().ToString();
        _inFlight[token] = new InFlightItem(activity.Request.WorkflowInstance.InstanceId, activity);
        return new WorkItem { ActivityRequest = activity.Request.Clone(), CompletionToken = token };
    }

    private bool CompleteWorkflowCore(WorkflowResponse response)
    {
        if (!TryTakeInFlight(response.CompletionToken, response.InstanceId, activity: false, out _)
            || !_instances.TryGetValue(response.InstanceId, out var instance))
        {
            return false;
        }

        var now = Clock();
        instance.TurnInFlight = false;
        foreach (var turnEvent in instance.TurnEvents)
        {
            CommitEvent(instance, turnEvent);
        }

        instance.TurnEvents.Clear();
        instance.CustomStatus = response.CustomStatus;
        instance.LastUpdatedAt = now;

        foreach (var action in response.Actions.OrderBy(a => a.Id))
        {
            if (!ApplyAction(instance, action))
            {
                break;
            }
        }

        return true;
    }

    private void CommitEvent(InstanceRecord instance, HistoryEvent historyEvent)
    {
        instance.History.Add(historyEvent);
        switch (historyEvent.EventTypeCase)
        {
            case HistoryEvent.EventTypeOneofCase.ExecutionStarted when instance.Status == OrchestrationStatus.Pending:
                instance.Status = OrchestrationStatus.Running;
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionSuspended when instance.Status == OrchestrationStatus.Running:
                instance.Status = OrchestrationStatus.Suspended;
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionResumed when instance.Status == OrchestrationStatus.Suspended:
                instance.Status = OrchestrationStatus.Running;
                break;
        }
    }

    /// <summary>Applies one action; false when the instance completed and the remaining actions are void.</summary>
    private bool ApplyAction(InstanceRecord instance, WorkflowAction action)
    {
        switch (action.WorkflowActionTypeCase)
        {
            case WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask:
                var task = action.ScheduleTask;
                instance.History.Add(NewEvent(e => e.TaskScheduled = new TaskScheduledEvent { Name = task.Name, Input = task.Input, TaskExecutionId = task.TaskExecutionId }, action.Id));
                instance.ScheduledActivities.Add(new ScheduledActivity(task.Name, task.Input, action.Id, Clock()));
                _activities.Add(new PendingActivity(instance.ExecutionId, new ActivityRequest
                {
                    Name = task.Name,
                    Input = task.Input,
                    TaskId = action.Id,
                    TaskExecutionId = task.TaskExecutionId,
                    WorkflowInstance = new WorkflowInstance { InstanceId = instance.InstanceId, ExecutionId = instance.ExecutionId },
                }));
                return true;

            case WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer:
                var timer = action.CreateTimer;
                var created = new TimerCreatedEvent { FireAt = timer.FireAt };
                switch (timer.OriginCase)
                {
                    case CreateTimerAction.OriginOneofCase.CreateTimer: created.CreateTimer = timer.CreateTimer; break;
                    case CreateTimerAction.OriginOneofCase.ExternalEvent: created.ExternalEvent = timer.ExternalEvent; break;
                    case CreateTimerAction.OriginOneofCase.ActivityRetry: created.ActivityRetry = timer.ActivityRetry; break;
                    case CreateTimerAction.OriginOneofCase.ChildWorkflowRetry: created.ChildWorkflowRetry = timer.ChildWorkflowRetry; break;
                }

                instance.History.Add(NewEvent(e => e.TimerCreated = created, action.Id));
                _timers.Add(new PendingTimer(instance.InstanceId, instance.ExecutionId, action.Id, timer.FireAt.ToDateTime()));
                return true;

            case WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow:
                var child = action.CreateChildWorkflow;
                instance.History.Add(NewEvent(e => e.ChildWorkflowInstanceCreated = new ChildWorkflowInstanceCreatedEvent
                {
                    InstanceId = child.InstanceId,
                    Name = child.Name,
                    Input = child.Input,
                }, action.Id));
                CreateInstanceCore(child.Name, child.InstanceId, child.Input, new ParentInstanceInfo
                {
                    TaskScheduledId = action.Id,
                    Name = instance.Name,
                    WorkflowInstance = new WorkflowInstance { InstanceId = instance.InstanceId, ExecutionId = instance.ExecutionId },
                }, startAt: null);
                return true;

            case WorkflowAction.WorkflowActionTypeOneofCase.SendEvent:
                var sent = action.SendEvent;
                instance.History.Add(NewEvent(e => e.EventSent = new EventSentEvent { InstanceId = sent.Instance.InstanceId, Name = sent.Name, Input = sent.Data }, action.Id));
                if (_instances.TryGetValue(sent.Instance.InstanceId, out var target) && !target.IsCompleted)
                {
                    target.Inbox.Add(NewEvent(e => e.EventRaised = new EventRaisedEvent { Name = sent.Name, Input = sent.Data }));
                }

                return true;

            case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow:
                CompleteInstance(instance, action.CompleteWorkflow);
                return false;

            default:
                return true;
        }
    }

    private void CompleteInstance(InstanceRecord instance, CompleteWorkflowAction completion)
    {
        var now = Clock();
        if (completion.WorkflowStatus == OrchestrationStatus.ContinuedAsNew)
        {
            // A fresh execution: new history, new execution id, the old execution's timers and activities become void.
            var pendingInbox = instance.Inbox.ToList();
            instance.StartNewExecution(completion.Result);
            instance.Inbox.Add(NewEvent(e => e.ExecutionStarted = new ExecutionStartedEvent
            {
                Name = instance.Name,
                Input = completion.Result,
                WorkflowInstance = new WorkflowInstance { InstanceId = instance.InstanceId, ExecutionId = instance.ExecutionId },
                ParentInstance = instance.Parent,
            }));
            instance.Inbox.AddRange(completion.CarryoverEvents);
            instance.Inbox.AddRange(pendingInbox);
            return;
        }

        instance.History.Add(NewEvent(e => e.ExecutionCompleted = new ExecutionCompletedEvent
        {
            WorkflowStatus = completion.WorkflowStatus,
            Result = completion.Result,
            FailureDetails = completion.FailureDetails,
        }));
        instance.Status = completion.WorkflowStatus;
        instance.Output = completion.Result;
        instance.FailureDetails = completion.FailureDetails;
        instance.CompletedAt = now;
        instance.Inbox.Clear();
        _timers.RemoveAll(t => t.InstanceId == instance.InstanceId);

        if (instance.Parent is { } parent && _instances.TryGetValue(parent.WorkflowInstance.InstanceId, out var parentInstance) && !parentInstance.IsCompleted)
        {
            parentInstance.Inbox.Add(completion.WorkflowStatus == OrchestrationStatus.Completed
                ? NewEvent(e => e.ChildWorkflowInstanceCompleted = new ChildWorkflowInstanceCompletedEvent { TaskScheduledId = parent.TaskScheduledId, Result = completion.Result })
                : NewEvent(e => e.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
                {
                    TaskScheduledId = parent.TaskScheduledId,
                    FailureDetails = completion.FailureDetails ?? new TaskFailureDetails
                    {
                        ErrorType = completion.WorkflowStatus.ToString(),
                        ErrorMessage = $"Child workflow '{instance.InstanceId}' ended with status {completion.WorkflowStatus}.",
                    },
                }));
        }
    }

    private bool CompleteActivityCore(ActivityResponse response)
    {
        if (!TryTakeInFlight(response.CompletionToken, response.InstanceId, activity: true, out var item) || item.Activity is not { } activity)
        {
            return false;
        }

        if (_instances.TryGetValue(response.InstanceId, out var instance) && instance.ExecutionId == activity.ExecutionId && !instance.IsCompleted)
        {
            instance.Inbox.Add(response.FailureDetails is { } failure
                ? NewEvent(e => e.TaskFailed = new TaskFailedEvent { TaskScheduledId = response.TaskId, FailureDetails = failure, TaskExecutionId = activity.Request.TaskExecutionId })
                : NewEvent(e => e.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = response.TaskId, Result = response.Result, TaskExecutionId = activity.Request.TaskExecutionId }));
        }

        return true;
    }

    private bool TryTakeInFlight(string completionToken, string instanceId, bool activity, out InFlightItem item)
    {
        if (!string.IsNullOrEmpty(completionToken))
        {
            return _inFlight.Remove(completionToken, out item!);
        }

        // An empty token is accepted like daprd does: match the oldest in-flight item of that instance and kind.
        var match = _inFlight.FirstOrDefault(p => p.Value.InstanceId == instanceId && (p.Value.Activity is not null) == activity);
        item = match.Value;
        return match.Key is not null && _inFlight.Remove(match.Key);
    }

    private HistoryEvent NewEvent(Action<HistoryEvent> set, int eventId = -1)
    {
        var historyEvent = new HistoryEvent { EventId = eventId, Timestamp = Timestamp.FromDateTime(Clock()) };
        set(historyEvent);
        return historyEvent;
    }

    private T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return action();
        }
    }

    private bool TryLocked(out WorkItem workItem, Func<WorkItem?> take)
    {
        lock (_gate)
        {
            workItem = take()!;
            return workItem is not null;
        }
    }

    private sealed record PendingActivity(string ExecutionId, ActivityRequest Request);

    private sealed record PendingTimer(string InstanceId, string ExecutionId, int TimerId, DateTime FireAt);

    private sealed record InFlightItem(string InstanceId, PendingActivity? Activity);
}
