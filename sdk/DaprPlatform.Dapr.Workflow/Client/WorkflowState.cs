using System.Text.Json;
using DaprPlatform.Dapr.Workflow.Execution;
using Protocol = DaprPlatform.Dapr.Grpc.Protocol;

namespace DaprPlatform.Dapr.Workflow;

/// <summary>A snapshot of a workflow instance. Inputs, outputs and custom status are JSON text.</summary>
public sealed record WorkflowState
{
    private static readonly JsonSerializerOptions WebDefaults = new(JsonSerializerDefaults.Web);

    private JsonSerializerOptions _jsonOptions = WebDefaults;

    /// <summary>False when the instance was not found; every other property is then empty.</summary>
    public bool Exists { get; init; }

    public string InstanceId { get; init; } = string.Empty;

    public string? WorkflowName { get; init; }

    public WorkflowRuntimeStatus RuntimeStatus { get; init; } = WorkflowRuntimeStatus.Unknown;

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

    internal static WorkflowState NotFound(string instanceId) => new() { InstanceId = instanceId };

    internal static WorkflowState FromProtocol(DurableTask.Protocol.WorkflowState state, JsonSerializerOptions jsonOptions) => new()
    {
        Exists = true,
        InstanceId = state.InstanceId,
        WorkflowName = state.Name,
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
