using DaprPlatform.DurableTask.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>What clients see of an instance (durabletask's WorkflowMetadata), taken at one moment.</summary>
public sealed record WorkflowSnapshot(
    string InstanceId,
    string Name,
    OrchestrationStatus Status,
    Timestamp CreatedAt,
    Timestamp LastUpdatedAt,
    Timestamp? CompletedAt,
    Timestamp? StartedAt,
    string? Input,
    string? Output,
    string? CustomStatus,
    TaskFailureDetails? Failure,
    string? ParentInstanceId,
    string? ParentAppId,
    WorkflowVersion? Version)
{
    /// <summary>durabletask's WorkflowMetadataIsComplete.</summary>
    public bool IsComplete => Status is OrchestrationStatus.Completed or OrchestrationStatus.Failed
        or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    public static WorkflowSnapshot? From(WorkflowRuntimeState state)
    {
        if (!state.Exists || state.StartEvent is not { } startEvent)
        {
            return null;
        }

        var start = startEvent.ExecutionStarted;
        var completed = state.CompletedEvent;
        var history = state.History;
        var lastUpdated = history.Count > 0 ? history[^1].Timestamp : startEvent.Timestamp;
        var parent = start.ParentInstance;
        return new WorkflowSnapshot(
            state.InstanceId,
            start.Name,
            state.Status,
            startEvent.Timestamp,
            lastUpdated,
            completed?.Timestamp,
            history.Count > 0 ? history[0].Timestamp : null,
            start.Input,
            completed?.ExecutionCompleted.Result,
            string.IsNullOrEmpty(state.CustomStatus) ? null : state.CustomStatus,
            completed?.ExecutionCompleted.FailureDetails,
            parent?.WorkflowInstance?.InstanceId,
            parent is { HasAppID: true } ? parent.AppID : null,
            history.FirstOrDefault(e => e.WorkflowStarted?.Version is not null)?.WorkflowStarted.Version);
    }

    /// <summary>The GetInstance answer, shaped like durabletask-go's createGetInstanceResponse.</summary>
    public WorkflowState ToWorkflowState(bool includeInputsAndOutputs)
    {
        var state = new WorkflowState
        {
            InstanceId = InstanceId,
            Name = Name,
            WorkflowStatus = Status,
            CreatedTimestamp = CreatedAt,
            LastUpdatedTimestamp = LastUpdatedAt,
        };
        if (StartedAt is not null)
        {
            state.StartedAt = StartedAt;
        }

        if (Version?.Name is { Length: > 0 } version)
        {
            state.Version = version;
        }

        if (!string.IsNullOrEmpty(ParentInstanceId))
        {
            state.ParentInstanceId = ParentInstanceId;
            state.ParentAppId = ParentAppId;
        }

        if (includeInputsAndOutputs)
        {
            state.Input = Input;
            state.CustomStatus = CustomStatus;
            state.Output = Output;
            state.FailureDetails = Failure;
        }

        return state;
    }
}
