using DaprPlatform.DurableTask.Protocol;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>What a worker's answer to a turn does: the state change to commit and the work that follows it.</summary>
public sealed class TurnOutcome(WorkflowStateChange change)
{
    public WorkflowStateChange Change { get; } = change;

    /// <summary>TaskScheduled events whose activities are dispatched once the change is committed.</summary>
    public List<HistoryEvent> ScheduledTasks { get; } = [];

    /// <summary>TimerCreated events to arm once the change is committed.</summary>
    public List<HistoryEvent> CreatedTimers { get; } = [];

    public List<WorkflowMessage> Messages { get; } = [];

    public bool Completed { get; init; }

    public bool ContinuedAsNew { get; init; }
}
