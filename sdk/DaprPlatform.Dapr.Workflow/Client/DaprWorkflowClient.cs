using System.Text.Json;
using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Client;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Dapr.Workflow.Execution;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Dapr.Workflow;

/// <summary>
/// Starts and manages workflow instances through the sidecar's <c>TaskHubSidecarService</c> gRPC API.
/// Sidecar errors surface as <see cref="GrpcException"/> (e.g. NOT_FOUND, UNAVAILABLE).
/// </summary>
public sealed class DaprWorkflowClient
{
    private readonly GrpcChannel _channel;
    private readonly WorkflowSerializer _serializer;

    /// <param name="channel">A channel to the sidecar's gRPC API; metadata such as <c>dapr-api-token</c> belongs in its default headers.</param>
    public DaprWorkflowClient(GrpcChannel channel, JsonSerializerOptions? jsonSerializerOptions = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _channel = channel;
        _serializer = new WorkflowSerializer(jsonSerializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    /// <summary>Schedules a new instance of workflow <paramref name="name"/>; returns its instance id (a new GUID when not given).</summary>
    public async Task<string> ScheduleNewWorkflowAsync(
        string name,
        string? instanceId = null,
        object? input = null,
        DateTime? startTime = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var request = new CreateInstanceRequest
        {
            Name = name,
            InstanceId = instanceId ?? Guid.NewGuid().ToString(),
            Input = _serializer.Serialize(input),
            ScheduledStartTimestamp = startTime is { } at ? Timestamp.FromDateTime(at.ToUniversalTime()) : null,
        };

        var response = await CallAsync(TaskHubSidecarServiceMethods.StartInstance, request, cancellationToken);
        return string.IsNullOrEmpty(response.InstanceId) ? request.InstanceId : response.InstanceId;
    }

    /// <summary>The current state; <see cref="WorkflowState.Exists"/> is false for an unknown instance.</summary>
    public Task<WorkflowState> GetWorkflowStateAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellationToken = default) =>
        GetStateAsync(TaskHubSidecarServiceMethods.GetInstance, instanceId, getInputsAndOutputs, cancellationToken);

    /// <summary>Waits until the instance has started running (or already finished).</summary>
    public Task<WorkflowState> WaitForWorkflowStartAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellationToken = default) =>
        GetStateAsync(TaskHubSidecarServiceMethods.WaitForInstanceStart, instanceId, getInputsAndOutputs, cancellationToken);

    /// <summary>Waits until the instance completed, failed or was terminated.</summary>
    public Task<WorkflowState> WaitForWorkflowCompletionAsync(string instanceId, bool getInputsAndOutputs = true, CancellationToken cancellationToken = default) =>
        GetStateAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, instanceId, getInputsAndOutputs, cancellationToken);

    public async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        await CallAsync(
            TaskHubSidecarServiceMethods.RaiseEvent,
            new RaiseEventRequest { InstanceId = instanceId, Name = eventName, Input = _serializer.Serialize(eventPayload) },
            cancellationToken);
    }

    /// <summary>Terminates the instance (and, when <paramref name="recursive"/>, its child workflows); <paramref name="output"/> becomes its output.</summary>
    public async Task TerminateWorkflowAsync(string instanceId, object? output = null, bool recursive = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        await CallAsync(
            TaskHubSidecarServiceMethods.TerminateInstance,
            new TerminateRequest { InstanceId = instanceId, Output = _serializer.Serialize(output), Recursive = recursive },
            cancellationToken);
    }

    public async Task SuspendWorkflowAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        await CallAsync(TaskHubSidecarServiceMethods.SuspendInstance, new SuspendRequest { InstanceId = instanceId, Reason = reason }, cancellationToken);
    }

    public async Task ResumeWorkflowAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        await CallAsync(TaskHubSidecarServiceMethods.ResumeInstance, new ResumeRequest { InstanceId = instanceId, Reason = reason }, cancellationToken);
    }

    /// <summary>Deletes a finished instance's state; true when something was deleted.</summary>
    public async Task<bool> PurgeInstanceAsync(string instanceId, bool recursive = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        var response = await CallAsync(
            TaskHubSidecarServiceMethods.PurgeInstances,
            new PurgeInstancesRequest { InstanceId = instanceId, Recursive = recursive },
            cancellationToken);
        return response.DeletedInstanceCount > 0;
    }

    private async Task<WorkflowState> GetStateAsync(
        GrpcMethod<GetInstanceRequest, GetInstanceResponse> method,
        string instanceId,
        bool getInputsAndOutputs,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        try
        {
            var response = await CallAsync(method, new GetInstanceRequest { InstanceId = instanceId, GetInputsAndOutputs = getInputsAndOutputs }, cancellationToken);
            return response.Exists && response.WorkflowState is { } state
                ? WorkflowState.FromProtocol(state, _serializer.Options)
                : WorkflowState.NotFound(instanceId);
        }
        catch (GrpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return WorkflowState.NotFound(instanceId);
        }
    }

    private Task<TResponse> CallAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        _channel.UnaryCallAsync(method, request, new GrpcCallOptions { CancellationToken = cancellationToken });
}
