using DaprPlatform.DurableTask.Protocol;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// Facts about history events the engine keys on: which scheduled task an event resolves (durabletask-go's dedup
/// correlators: a second resolution of the same task, timer or child workflow is a duplicate) and which events
/// the engine applies itself instead of sending them to a worker.
/// </summary>
public static class HistoryEventKinds
{
    private const long TaskKind = 1L << 32;
    private const long TimerKind = 2L << 32;
    private const long ChildKind = 3L << 32;

    /// <summary>A key naming what <paramref name="e"/> resolves (a task, timer or child workflow id), if anything.</summary>
    public static bool TryGetResolution(HistoryEvent e, out long key)
    {
        switch (e.EventTypeCase)
        {
            case HistoryEvent.EventTypeOneofCase.TaskCompleted:
                key = TaskKind | (uint)e.TaskCompleted.TaskScheduledId;
                return true;
            case HistoryEvent.EventTypeOneofCase.TaskFailed:
                key = TaskKind | (uint)e.TaskFailed.TaskScheduledId;
                return true;
            case HistoryEvent.EventTypeOneofCase.TimerFired:
                key = TimerKind | (uint)e.TimerFired.TimerId;
                return true;
            case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted:
                key = ChildKind | (uint)e.ChildWorkflowInstanceCompleted.TaskScheduledId;
                return true;
            case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed:
                key = ChildKind | (uint)e.ChildWorkflowInstanceFailed.TaskScheduledId;
                return true;
            default:
                key = 0;
                return false;
        }
    }

    /// <summary>The resolution key a completion of the task scheduled as event <paramref name="eventId"/> would carry.</summary>
    public static long TaskResolution(int eventId) => TaskKind | (uint)eventId;

    public static long TimerResolution(int eventId) => TimerKind | (uint)eventId;

    public static long ChildResolution(int eventId) => ChildKind | (uint)eventId;

    /// <summary>Suspend and resume change what may be dispatched; the engine records them itself, between turns.</summary>
    public static bool IsSuspendOrResume(HistoryEvent e) =>
        e.EventTypeCase is HistoryEvent.EventTypeOneofCase.ExecutionSuspended or HistoryEvent.EventTypeOneofCase.ExecutionResumed;
}
