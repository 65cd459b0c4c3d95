using DaprPlatform.DurableTask.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>Builds the history events the engine itself records (event id -1 unless an action id applies).</summary>
public static class HistoryEvents
{
    public static Timestamp Now(TimeProvider time) => Timestamp.FromDateTimeOffset(time.GetUtcNow());

    public static HistoryEvent WorkflowStarted(TimeProvider time) => new()
    {
        EventId = -1,
        Timestamp = Now(time),
        WorkflowStarted = new WorkflowStartedEvent(),
    };

    public static HistoryEvent ExecutionStarted(
        TimeProvider time,
        string instanceId,
        string name,
        string? input,
        string executionId,
        ParentInstanceInfo? parent = null,
        TaskRouter? router = null) => new()
    {
        EventId = -1,
        Timestamp = Now(time),
        ExecutionStarted = new ExecutionStartedEvent
        {
            Name = name,
            Input = input,
            ParentInstance = parent,
            WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = executionId },
        },
        Router = router,
    };

    public static HistoryEvent ExecutionCompleted(TimeProvider time, int eventId, OrchestrationStatus status, string? result, TaskFailureDetails? failure, TaskRouter? router) => new()
    {
        EventId = eventId,
        Timestamp = Now(time),
        ExecutionCompleted = new ExecutionCompletedEvent { WorkflowStatus = status, Result = result, FailureDetails = failure },
        Router = router,
    };

    public static HistoryEvent ExecutionTerminated(TimeProvider time, string? reason, bool recurse) => new()
    {
        EventId = -1,
        Timestamp = Now(time),
        ExecutionTerminated = new ExecutionTerminatedEvent { Input = reason, Recurse = recurse },
    };

    public static HistoryEvent ExecutionSuspended(TimeProvider time, string? reason) => new()
    {
        EventId = -1,
        Timestamp = Now(time),
        ExecutionSuspended = new ExecutionSuspendedEvent { Input = reason },
    };

    public static HistoryEvent ExecutionResumed(TimeProvider time, string? reason) => new()
    {
        EventId = -1,
        Timestamp = Now(time),
        ExecutionResumed = new ExecutionResumedEvent { Input = reason },
    };

    public static HistoryEvent EventRaised(Timestamp timestamp, string name, string? input) => new()
    {
        EventId = -1,
        Timestamp = timestamp,
        EventRaised = new EventRaisedEvent { Name = name, Input = input },
    };

    public static HistoryEvent TimerFired(TimeProvider time, int timerId, Timestamp fireAt) => new()
    {
        EventId = -1,
        Timestamp = Now(time),
        TimerFired = new TimerFiredEvent { TimerId = timerId, FireAt = fireAt },
    };

    /// <summary>An activity's answer as the workflow sees it: TaskFailed when it reported failure details.</summary>
    public static HistoryEvent ActivityResult(TimeProvider time, HistoryEvent scheduled, ActivityResponse response) => response.FailureDetails is { } failure
        ? new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now(time),
            TaskFailed = new TaskFailedEvent
            {
                TaskScheduledId = scheduled.EventId,
                FailureDetails = failure,
                TaskExecutionId = scheduled.TaskScheduled.TaskExecutionId,
            },
            Router = scheduled.Router,
        }
        : new HistoryEvent
        {
            EventId = -1,
            Timestamp = Now(time),
            TaskCompleted = new TaskCompletedEvent
            {
                TaskScheduledId = scheduled.EventId,
                Result = response.Result,
                TaskExecutionId = scheduled.TaskScheduled.TaskExecutionId,
            },
            Router = scheduled.Router,
        };

    /// <summary>What a child's completion tells its parent (durabletask-go: anything but COMPLETED is a failure).</summary>
    public static HistoryEvent ChildResult(TimeProvider time, ExecutionStartedEvent childStart, ExecutionCompletedEvent completed) =>
        completed.WorkflowStatus == OrchestrationStatus.Completed
            ? new HistoryEvent
            {
                EventId = -1,
                Timestamp = Now(time),
                ChildWorkflowInstanceCompleted = new ChildWorkflowInstanceCompletedEvent
                {
                    TaskScheduledId = childStart.ParentInstance.TaskScheduledId,
                    Result = completed.Result,
                },
            }
            : new HistoryEvent
            {
                EventId = -1,
                Timestamp = Now(time),
                ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
                {
                    TaskScheduledId = childStart.ParentInstance.TaskScheduledId,
                    FailureDetails = completed.FailureDetails,
                },
            };

    /// <summary>durabletask-go's GenerateChildWorkflowInstanceID: the parent id, ':' and the action id as 4 hex digits.</summary>
    public static string ChildInstanceId(string parentInstanceId, int actionId) =>
        parentInstanceId + ":" + (0x10000L + actionId).ToString("x", System.Globalization.CultureInfo.InvariantCulture)[^4..];
}
