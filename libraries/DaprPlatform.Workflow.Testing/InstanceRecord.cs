using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using ProtocolWorkflowState = Dapr.DurableTask.Protobuf.WorkflowState;

namespace DaprPlatform.Workflow.Testing;

/// <summary>The in-memory state of one workflow instance (guarded by <see cref="InMemoryWorkflowBackend"/>'s lock).</summary>
internal sealed class InstanceRecord(string instanceId, string name, DateTime createdAt)
{
    public string InstanceId { get; } = instanceId;

    public string Name { get; } = name;

    public string ExecutionId { get; private set; } = Guid.NewGuid().ToString();

    public OrchestrationStatus Status { get; set; } = OrchestrationStatus.Pending;

    public ParentInstanceInfo? Parent { get; init; }

    public string? Input { get; set; }

    public string? Output { get; set; }

    public string? CustomStatus { get; set; }

    public TaskFailureDetails? FailureDetails { get; set; }

    public DateTime CreatedAt { get; } = createdAt;

    public DateTime LastUpdatedAt { get; set; } = createdAt;

    public DateTime? CompletedAt { get; set; }

    /// <summary>A scheduled start: no turn runs before it.</summary>
    public DateTime? NotBefore { get; set; }

    public List<HistoryEvent> History { get; } = [];

    /// <summary>Events waiting for the next turn.</summary>
    public List<HistoryEvent> Inbox { get; } = [];

    /// <summary>The new events of the turn in flight (WorkflowStarted first), committed when the turn completes.</summary>
    public List<HistoryEvent> TurnEvents { get; } = [];

    public bool TurnInFlight { get; set; }

    public List<ScheduledActivity> ScheduledActivities { get; } = [];

    public bool IsCompleted => Status is OrchestrationStatus.Completed or OrchestrationStatus.Failed
        or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    public void StartNewExecution(string? input)
    {
        ExecutionId = Guid.NewGuid().ToString();
        History.Clear();
        Inbox.Clear();
        Input = input;
        Status = OrchestrationStatus.Running;
    }

    public ProtocolWorkflowState ToState(bool includeInputsAndOutputs) => new()
    {
        InstanceId = InstanceId,
        Name = Name,
        WorkflowStatus = Status,
        CreatedTimestamp = Timestamp.FromDateTime(CreatedAt),
        LastUpdatedTimestamp = Timestamp.FromDateTime(LastUpdatedAt),
        CompletedTimestamp = CompletedAt is { } completed ? Timestamp.FromDateTime(completed) : null,
        Input = includeInputsAndOutputs ? Input : null,
        Output = includeInputsAndOutputs ? Output : null,
        CustomStatus = CustomStatus,
        FailureDetails = FailureDetails,
        ExecutionId = ExecutionId,
        ParentInstanceId = Parent?.WorkflowInstance.InstanceId,
    };
}
