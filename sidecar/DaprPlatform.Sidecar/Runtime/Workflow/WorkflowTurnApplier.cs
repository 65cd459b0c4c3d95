using DaprPlatform.DurableTask.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// Turns a worker's answer into history, as durabletask-go's runtimestate applier does: the turn's WorkflowStarted
/// and the events it delivered go into history, then one event per action (event id = action id): TaskScheduled,
/// TimerCreated, ChildWorkflowInstanceCreated, EventSent, ExecutionCompleted. Continue-as-new starts a new execution
/// with the completion's result as input plus the carried-over events, and ignores the actions after it.
/// </summary>
public sealed class WorkflowTurnApplier(string appId, string @namespace, TimeProvider time)
{
    public TurnOutcome Apply(WorkflowRuntimeState state, HistoryEvent workflowStarted, int deliveredCount, WorkflowResponse response)
    {
        var delivered = state.Inbox.Take(deliveredCount).ToList();
        var start = state.StartEvent?.ExecutionStarted
            ?? throw new InvalidOperationException($"workflow '{state.InstanceId}' has no ExecutionStarted event");

        var started = workflowStarted;
        if (response.Version is { } version && (version.Patches.Count > 0 || version.HasName))
        {
            // The event may still be referenced by the request that carried it; record a copy.
            started = workflowStarted.Clone();
            started.WorkflowStarted.Version = version;
        }

        var history = new List<HistoryEvent>(2 + delivered.Count + response.Actions.Count) { started };
        history.AddRange(delivered);

        var scheduled = new List<HistoryEvent>();
        var timers = new List<HistoryEvent>();
        var messages = new List<WorkflowMessage>();
        HistoryEvent? completed = null;

        foreach (var action in response.Actions)
        {
            var router = SourceRouter(action.Router);
            switch (action.WorkflowActionTypeCase)
            {
                case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow:
                    if (completed is not null)
                    {
                        // A completion already applied in this turn wins over later ones.
                        continue;
                    }

                    var complete = action.CompleteWorkflow;
                    if (complete.WorkflowStatus == OrchestrationStatus.ContinuedAsNew)
                    {
                        return ContinueAsNew(state, start, deliveredCount, complete, router, response.CustomStatus);
                    }

                    completed = HistoryEvents.ExecutionCompleted(time, action.Id, complete.WorkflowStatus, complete.Result, complete.FailureDetails, router);
                    history.Add(completed);
                    if (start.ParentInstance?.WorkflowInstance is { } parent)
                    {
                        messages.Add(new WorkflowMessage(parent.InstanceId, HistoryEvents.ChildResult(time, start, completed.ExecutionCompleted), parent.ExecutionId));
                    }

                    break;

                case WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer:
                    var timer = action.CreateTimer;
                    var timerCreated = new TimerCreatedEvent { FireAt = timer.FireAt };
                    if (timer.HasName)
                    {
                        timerCreated.Name = timer.Name;
                    }

                    switch (timer.OriginCase)
                    {
                        case CreateTimerAction.OriginOneofCase.CreateTimer:
                            timerCreated.CreateTimer = timer.CreateTimer;
                            break;
                        case CreateTimerAction.OriginOneofCase.ExternalEvent:
                            timerCreated.ExternalEvent = timer.ExternalEvent;
                            break;
                        case CreateTimerAction.OriginOneofCase.ActivityRetry:
                            timerCreated.ActivityRetry = timer.ActivityRetry;
                            break;
                        case CreateTimerAction.OriginOneofCase.ChildWorkflowRetry:
                            timerCreated.ChildWorkflowRetry = timer.ChildWorkflowRetry;
                            break;
                    }

                    var timerEvent = new HistoryEvent { EventId = action.Id, Timestamp = HistoryEvents.Now(time), TimerCreated = timerCreated, Router = router };
                    history.Add(timerEvent);
                    timers.Add(timerEvent);
                    break;

                case WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask:
                    var task = action.ScheduleTask;
                    var taskScheduled = new TaskScheduledEvent
                    {
                        Name = task.Name,
                        Version = task.Version,
                        Input = task.Input,
                        TaskExecutionId = task.TaskExecutionId,
                    };
                    if (task.HasHistoryPropagationScope)
                    {
                        taskScheduled.HistoryPropagationScope = task.HistoryPropagationScope;
                    }

                    var taskEvent = new HistoryEvent { EventId = action.Id, Timestamp = HistoryEvents.Now(time), TaskScheduled = taskScheduled, Router = router };
                    history.Add(taskEvent);
                    scheduled.Add(taskEvent);
                    break;

                case WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow:
                    var child = action.CreateChildWorkflow;
                    var childId = string.IsNullOrEmpty(child.InstanceId) ? HistoryEvents.ChildInstanceId(state.InstanceId, action.Id) : child.InstanceId;
                    var created = new ChildWorkflowInstanceCreatedEvent { InstanceId = childId, Name = child.Name, Version = child.Version, Input = child.Input };
                    if (child.RetryParentInstanceInfo is { } retryParent)
                    {
                        created.RetryParentInstanceInfo = retryParent;
                    }

                    history.Add(new HistoryEvent { EventId = action.Id, Timestamp = HistoryEvents.Now(time), ChildWorkflowInstanceCreated = created, Router = router });
                    messages.Add(new WorkflowMessage(childId, ChildStart(state, start, action.Id, childId, child.Name, child.Input, router)));
                    break;

                case WorkflowAction.WorkflowActionTypeOneofCase.CreateDetachedWorkflow:
                    var detached = action.CreateDetachedWorkflow;
                    if (string.IsNullOrEmpty(detached.InstanceId))
                    {
                        throw new WorkflowActionException("CreateDetachedWorkflowAction requires an instance ID");
                    }

                    history.Add(new HistoryEvent
                    {
                        EventId = action.Id,
                        Timestamp = HistoryEvents.Now(time),
                        DetachedWorkflowInstanceCreated = new DetachedWorkflowInstanceCreatedEvent { InstanceId = detached.InstanceId },
                        Router = router,
                    });
                    var executionId = string.IsNullOrEmpty(detached.ExecutionId) ? Guid.NewGuid().ToString() : detached.ExecutionId;
                    var detachedStart = HistoryEvents.ExecutionStarted(time, detached.InstanceId, detached.Name, detached.Input, executionId);
                    detachedStart.ExecutionStarted.Version = detached.Version;
                    detachedStart.ExecutionStarted.Tags.Add(detached.Tags);
                    if (detached.ScheduledStartTimestamp is not null)
                    {
                        detachedStart.ExecutionStarted.ScheduledStartTimestamp = detached.ScheduledStartTimestamp;
                    }

                    messages.Add(new WorkflowMessage(detached.InstanceId, detachedStart));
                    break;

                case WorkflowAction.WorkflowActionTypeOneofCase.SendEvent:
                    var send = action.SendEvent;
                    var sent = new HistoryEvent
                    {
                        EventId = action.Id,
                        Timestamp = HistoryEvents.Now(time),
                        EventSent = new EventSentEvent { InstanceId = send.Instance?.InstanceId ?? "", Name = send.Name, Input = send.Data },
                        Router = router,
                    };
                    history.Add(sent);
                    if (!string.IsNullOrEmpty(send.Instance?.InstanceId))
                    {
                        messages.Add(new WorkflowMessage(send.Instance.InstanceId, HistoryEvents.EventRaised(sent.Timestamp, send.Name, send.Data)));
                    }

                    break;

                case WorkflowAction.WorkflowActionTypeOneofCase.TerminateWorkflow:
                    var terminate = action.TerminateWorkflow;
                    messages.Add(new WorkflowMessage(terminate.InstanceId, HistoryEvents.ExecutionTerminated(time, terminate.Reason, terminate.Recurse)));
                    break;

                case WorkflowAction.WorkflowActionTypeOneofCase.WorkflowVersionNotAvailable:
                    var versionName = state.History.FirstOrDefault(e => e.WorkflowStarted is not null)?.WorkflowStarted.Version?.Name ?? "";
                    history.Add(new HistoryEvent
                    {
                        EventId = -1,
                        Timestamp = HistoryEvents.Now(time),
                        ExecutionStalled = new ExecutionStalledEvent { Reason = StalledReason.VersionNotAvailable, Description = $"Version not available: {versionName}" },
                        Router = router,
                    });
                    break;

                default:
                    throw new WorkflowActionException($"unknown action type: {action.WorkflowActionTypeCase}");
            }
        }

        var change = new WorkflowStateChange
        {
            InboxConsumed = deliveredCount,
            ClearInbox = completed is not null,
            Index = completed is not null ? WorkflowIndexChange.Remove : WorkflowIndexChange.None,
        };
        change.NewHistory.AddRange(history);
        change.SetCustomStatus(response.CustomStatus);

        var outcome = new TurnOutcome(change) { Completed = completed is not null };
        if (completed is null)
        {
            outcome.ScheduledTasks.AddRange(scheduled);
            outcome.CreatedTimers.AddRange(timers);
        }

        outcome.Messages.AddRange(messages);
        return outcome;
    }

    /// <summary>
    /// Ends the current execution as TERMINATED without a worker (durabletask-go forces the same when a worker does not
    /// honour a termination): everything waiting in the inbox, the termination, then the completion. A recursive
    /// termination is passed on to the children that have not finished.
    /// </summary>
    public TurnOutcome Terminate(WorkflowRuntimeState state, HistoryEvent terminated)
    {
        var start = state.StartEvent?.ExecutionStarted
            ?? throw new InvalidOperationException($"workflow '{state.InstanceId}' has no ExecutionStarted event");
        var change = new WorkflowStateChange { ClearInbox = true, Index = WorkflowIndexChange.Remove };
        change.NewHistory.Add(HistoryEvents.WorkflowStarted(time));
        change.NewHistory.AddRange(state.Inbox);
        change.NewHistory.Add(terminated);
        var completed = HistoryEvents.ExecutionCompleted(time, -1, OrchestrationStatus.Terminated, terminated.ExecutionTerminated.Input, null, SourceRouter(null));
        change.NewHistory.Add(completed);

        var outcome = new TurnOutcome(change) { Completed = true };
        if (start.ParentInstance?.WorkflowInstance is { } parent)
        {
            outcome.Messages.Add(new WorkflowMessage(parent.InstanceId, HistoryEvents.ChildResult(time, start, completed.ExecutionCompleted), parent.ExecutionId));
        }

        if (terminated.ExecutionTerminated.Recurse)
        {
            foreach (var childId in UnfinishedChildren(state))
            {
                outcome.Messages.Add(new WorkflowMessage(childId, HistoryEvents.ExecutionTerminated(time, terminated.ExecutionTerminated.Input, recurse: true)));
            }
        }

        return outcome;
    }

    /// <summary>Children created by the current execution whose result has not arrived.</summary>
    public static IEnumerable<string> UnfinishedChildren(WorkflowRuntimeState state) =>
        state.History
            .Where(e => e.ChildWorkflowInstanceCreated is not null && !state.IsResolved(HistoryEventKinds.ChildResolution(e.EventId)))
            .Select(e => e.ChildWorkflowInstanceCreated.InstanceId)
            .Distinct(StringComparer.Ordinal);

    /// <summary>The ExecutionStarted a parent sends to create a child (also rebuilt from history when resuming).</summary>
    public HistoryEvent ChildStart(WorkflowRuntimeState parentState, ExecutionStartedEvent parentStart, int taskScheduledId, string childId, string name, string? input, TaskRouter? router)
    {
        var parentInfo = new ParentInstanceInfo
        {
            TaskScheduledId = taskScheduledId,
            Name = parentStart.Name,
            WorkflowInstance = new WorkflowInstance { InstanceId = parentState.InstanceId, ExecutionId = parentState.ExecutionId },
            AppID = appId,
        };
        if (!string.IsNullOrEmpty(@namespace))
        {
            parentInfo.AppNamespace = @namespace;
        }

        return HistoryEvents.ExecutionStarted(time, childId, name, input, Guid.NewGuid().ToString(), parentInfo, router);
    }

    private TurnOutcome ContinueAsNew(WorkflowRuntimeState state, ExecutionStartedEvent start, int deliveredCount, CompleteWorkflowAction complete, TaskRouter router, string? customStatus)
    {
        var newStart = HistoryEvents.ExecutionStarted(time, state.InstanceId, start.Name, complete.Result, Guid.NewGuid().ToString(), start.ParentInstance, router);
        newStart.ExecutionStarted.Version = complete.NewVersion ?? start.Version;
        newStart.ExecutionStarted.Tags.Add(start.Tags);

        // The new execution starts with an empty history: its ExecutionStarted and the carried-over events lead the
        // inbox, ahead of anything that arrived during this turn, and the next turn delivers them all.
        var change = new WorkflowStateChange { ResetHistory = true, ClearInbox = true, Generation = state.Generation + 1 };
        change.NewInbox.Add(newStart);
        change.NewInbox.AddRange(complete.CarryoverEvents);
        change.NewInbox.AddRange(state.Inbox.Skip(deliveredCount));
        change.SetCustomStatus(customStatus);
        return new TurnOutcome(change) { ContinuedAsNew = true };
    }

    private TaskRouter SourceRouter(TaskRouter? router)
    {
        var result = router?.Clone() ?? new TaskRouter();
        result.SourceAppID = appId;
        return result;
    }
}

/// <summary>A worker sent an action the engine cannot apply.</summary>
public sealed class WorkflowActionException(string message) : Exception(message);
