using System.Text.Json;
using Dapr.Workflow;
using DaprPlatform.Workflow.Testing.Replay;
using ProtocolWorkflowState = Dapr.DurableTask.Protobuf.WorkflowState;

namespace DaprPlatform.Workflow.Testing;

/// <summary>
/// A workflow instance as <see cref="DaprWorkflowClient.GetWorkflowStateAsync"/> reports it, with the same
/// properties as Dapr.Workflow's <see cref="WorkflowState"/> (whose constructor is internal to the SDK).
/// </summary>
public sealed record WorkflowInstanceState
{
    private JsonSerializerOptions _jsonOptions = WorkflowSerializer.DefaultOptions;

    public required string InstanceId { get; init; }

    public required string WorkflowName { get; init; }

    public WorkflowRuntimeStatus RuntimeStatus { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastUpdatedAt { get; init; }

    public string? SerializedInput { get; init; }

    public string? SerializedOutput { get; init; }

    public string? SerializedCustomStatus { get; init; }

    /// <summary>Why the workflow failed (status <see cref="WorkflowRuntimeStatus.Failed"/>).</summary>
    public WorkflowTaskFailureDetails? FailureDetails { get; init; }

    public bool IsWorkflowRunning => RuntimeStatus == WorkflowRuntimeStatus.Running;

    public bool IsWorkflowCompleted => RuntimeStatus is WorkflowRuntimeStatus.Completed or WorkflowRuntimeStatus.Failed
        or WorkflowRuntimeStatus.Terminated or WorkflowRuntimeStatus.Canceled;

    public T? ReadInputAs<T>() => Read<T>(SerializedInput);

    public T? ReadOutputAs<T>() => Read<T>(SerializedOutput);

    public T? ReadCustomStatusAs<T>() => Read<T>(SerializedCustomStatus);

    internal static WorkflowInstanceState FromProtocol(ProtocolWorkflowState state, JsonSerializerOptions jsonOptions) => new()
    {
        InstanceId = state.InstanceId,
        WorkflowName = state.Name,
        // Dapr.Workflow's status values are the protocol's OrchestrationStatus numbers.
        RuntimeStatus = Enum.IsDefined((WorkflowRuntimeStatus)(int)state.WorkflowStatus)
            ? (WorkflowRuntimeStatus)(int)state.WorkflowStatus
            : WorkflowRuntimeStatus.Unknown,
        CreatedAt = state.CreatedTimestamp?.ToDateTimeOffset() ?? default,
        LastUpdatedAt = state.LastUpdatedTimestamp?.ToDateTimeOffset() ?? default,
        SerializedInput = state.Input,
        SerializedOutput = state.Output,
        SerializedCustomStatus = state.CustomStatus,
        FailureDetails = state.FailureDetails is { } failure ? FailureDetailsConverter.FromProto(failure) : null,
        _jsonOptions = jsonOptions,
    };

    private T? Read<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, _jsonOptions);
}
