using System.Globalization;
using DaprPlatform.DurableTask.Protocol;
using Grpc.Core;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// The history a rerun starts from, built as daprd's fork does (pkg/actors/targets/workflow/orchestrator/fork): every
/// event before the target, with activities and child workflows kept only when their result is there too; then the
/// unfinished activities, timers and children, and the target itself, so that they run again. A child gets a new
/// instance id (<c>{newInstanceId}:{eventId:x4}</c> unless the caller names one for the target).
/// </summary>
public static class WorkflowFork
{
    public static List<HistoryEvent> Build(
        string sourceInstanceId,
        IReadOnlyList<HistoryEvent> sourceHistory,
        int targetEventId,
        string newInstanceId,
        bool overwriteInput,
        string? input,
        string? newChildInstanceId)
    {
        var history = new List<HistoryEvent>();
        var unfinishedActivities = new SortedDictionary<int, HistoryEvent>();
        var activeTimers = new SortedDictionary<int, HistoryEvent>();
        var unfinishedChildren = new SortedDictionary<int, HistoryEvent>();
        HistoryEvent? target = null;
        foreach (var source in sourceHistory)
        {
            var e = source.Clone();
            if (e.EventId == targetEventId)
            {
                target = Target(e, sourceInstanceId, newInstanceId, overwriteInput, input, newChildInstanceId, targetEventId);
                break;
            }

            switch (e.EventTypeCase)
            {
                case HistoryEvent.EventTypeOneofCase.ExecutionStarted:
                    e.ExecutionStarted.WorkflowInstance ??= new WorkflowInstance();
                    e.ExecutionStarted.WorkflowInstance.InstanceId = newInstanceId;
                    history.Add(e);
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                    unfinishedActivities[e.EventId] = e;
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskCompleted:
                    Resolve(history, unfinishedActivities, e.TaskCompleted.TaskScheduledId, e);
                    break;
                case HistoryEvent.EventTypeOneofCase.TaskFailed:
                    Resolve(history, unfinishedActivities, e.TaskFailed.TaskScheduledId, e);
                    break;
                case HistoryEvent.EventTypeOneofCase.TimerCreated:
                    activeTimers[e.EventId] = e;
                    break;
                case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated:
                    unfinishedChildren[e.EventId] = e;
                    break;
                case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted:
                    Resolve(history, unfinishedChildren, e.ChildWorkflowInstanceCompleted.TaskScheduledId, e);
                    break;
                case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed:
                    Resolve(history, unfinishedChildren, e.ChildWorkflowInstanceFailed.TaskScheduledId, e);
                    break;
                default:
                    history.Add(e);
                    break;
            }
        }

        if (target is null)
        {
            throw new WorkflowRerunException(StatusCode.NotFound, $"does not have history event with ID '{targetEventId}'");
        }

        // As daprd: a timer that already fired before the target is still "active" here and fires again at once.
        history.AddRange(unfinishedActivities.Values);
        history.AddRange(activeTimers.Values);
        foreach (var child in unfinishedChildren.Values)
        {
            child.ChildWorkflowInstanceCreated.InstanceId = string.Create(CultureInfo.InvariantCulture, $"{newInstanceId}:{child.EventId:x4}");
            history.Add(child);
        }

        history.Add(target);
        return history;
    }

    private static void Resolve(List<HistoryEvent> history, SortedDictionary<int, HistoryEvent> unfinished, int scheduledId, HistoryEvent result)
    {
        if (unfinished.Remove(scheduledId, out var scheduled))
        {
            history.Add(scheduled);
        }

        history.Add(result);
    }

    private static HistoryEvent Target(HistoryEvent e, string sourceInstanceId, string newInstanceId, bool overwriteInput, string? input, string? newChildInstanceId, int targetEventId)
    {
        var parent = new RerunParentInstanceInfo { InstanceID = sourceInstanceId };
        switch (e.EventTypeCase)
        {
            case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                e.TaskScheduled.RerunParentInstanceInfo = parent;
                if (overwriteInput)
                {
                    e.TaskScheduled.Input = input;
                }

                if (newChildInstanceId is not null)
                {
                    throw new WorkflowRerunException(StatusCode.InvalidArgument, $"cannot set new child workflow instance ID on activity event '{targetEventId}'");
                }

                return e;
            case HistoryEvent.EventTypeOneofCase.TimerCreated:
                e.TimerCreated.RerunParentInstanceInfo = parent;
                if (overwriteInput)
                {
                    throw new WorkflowRerunException(StatusCode.InvalidArgument, $"cannot write input to timer event '{targetEventId}'");
                }

                if (newChildInstanceId is not null)
                {
                    throw new WorkflowRerunException(StatusCode.InvalidArgument, $"cannot set new child workflow instance ID on timer event '{targetEventId}'");
                }

                return e;
            case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated:
                e.ChildWorkflowInstanceCreated.RerunParentInstanceInfo = parent;
                e.ChildWorkflowInstanceCreated.InstanceId = newChildInstanceId
                    ?? string.Create(CultureInfo.InvariantCulture, $"{newInstanceId}:{e.EventId:x4}");
                if (overwriteInput)
                {
                    e.ChildWorkflowInstanceCreated.Input = input;
                }

                return e;
            case HistoryEvent.EventTypeOneofCase.DetachedWorkflowInstanceCreated:
                throw new WorkflowRerunException(
                    StatusCode.InvalidArgument,
                    $"event '{targetEventId}' is a detached workflow spawn and cannot be rerun: detached spawns are fire-and-forget and have no replayable continuation in the caller");
            default:
                throw new WorkflowRerunException(
                    StatusCode.NotFound, $"target event '*protos.HistoryEvent_{e.EventTypeCase}' with ID '{targetEventId}' is not an event that can be rerun");
        }
    }
}
