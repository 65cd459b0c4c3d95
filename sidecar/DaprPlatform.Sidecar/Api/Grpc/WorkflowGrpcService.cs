using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Sidecar.Runtime.Workflow;
using Grpc.Core;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Api.Grpc;

/// <summary>
/// durabletask's TaskHubSidecarService on the gRPC API port, as daprd serves it (durabletask-go backend/executor.go):
/// the client RPCs workflow SDKs call, and the GetWorkItems stream plus completion RPCs their workers use.
/// RPCs daprd does not implement answer UNIMPLEMENTED.
/// </summary>
public sealed class WorkflowGrpcService(WorkflowEngine engine) : TaskHubSidecarService.TaskHubSidecarServiceBase
{
    public override Task<Empty> Hello(Empty request, ServerCallContext context) => Task.FromResult(request);

    public override Task<CreateInstanceResponse> StartInstance(CreateInstanceRequest request, ServerCallContext context) =>
        Call(() => StartInstanceAsync(engine, request, context));

    public override Task<GetInstanceResponse> GetInstance(GetInstanceRequest request, ServerCallContext context) => Call(async () =>
    {
        var snapshot = await engine.GetAsync(request.InstanceId, context.CancellationToken);
        return ToResponse(snapshot, request.GetInputsAndOutputs);
    });

    public override Task<GetInstanceResponse> WaitForInstanceStart(GetInstanceRequest request, ServerCallContext context) => Call(async () =>
        ToResponse(await WaitAsync(engine, request.InstanceId, s => s.Status != OrchestrationStatus.Pending, context), request.GetInputsAndOutputs));

    public override Task<GetInstanceResponse> WaitForInstanceCompletion(GetInstanceRequest request, ServerCallContext context) => Call(async () =>
        ToResponse(await WaitAsync(engine, request.InstanceId, s => s.IsComplete, context), request.GetInputsAndOutputs));

    public override Task<RaiseEventResponse> RaiseEvent(RaiseEventRequest request, ServerCallContext context) => Call(async () =>
    {
        await engine.RaiseEventAsync(request.InstanceId, request.Name, request.Input, context.CancellationToken);
        return new RaiseEventResponse();
    });

    public override Task<TerminateResponse> TerminateInstance(TerminateRequest request, ServerCallContext context) => Call(async () =>
    {
        await engine.TerminateAsync(request.InstanceId, request.Output, request.Recursive, context.CancellationToken);
        await WaitAsync(engine, request.InstanceId, s => s.IsComplete, context);
        return new TerminateResponse();
    });

    public override Task<SuspendResponse> SuspendInstance(SuspendRequest request, ServerCallContext context) => Call(async () =>
    {
        await engine.SuspendAsync(request.InstanceId, NullIfEmpty(request.Reason), context.CancellationToken);
        await WaitAsync(engine, request.InstanceId, s => s.Status == OrchestrationStatus.Suspended, context);
        return new SuspendResponse();
    });

    public override Task<ResumeResponse> ResumeInstance(ResumeRequest request, ServerCallContext context) => Call(async () =>
    {
        await engine.ResumeAsync(request.InstanceId, NullIfEmpty(request.Reason), context.CancellationToken);
        await WaitAsync(engine, request.InstanceId, s => s.Status == OrchestrationStatus.Running, context);
        return new ResumeResponse();
    });

    public override Task<PurgeInstancesResponse> PurgeInstances(PurgeInstancesRequest request, ServerCallContext context) => Call(async () =>
    {
        if (request.RequestCase != PurgeInstancesRequest.RequestOneofCase.InstanceId)
        {
            throw new RpcException(new Status(StatusCode.Unknown, "multi-instance purge is not implemented"));
        }

        var force = request.HasForce && request.Force;
        var deleted = await engine.PurgeAsync(request.InstanceId, request.Recursive, force, context.CancellationToken);
        return new PurgeInstancesResponse { DeletedInstanceCount = deleted, IsComplete = true };
    });

    public override Task GetWorkItems(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> responseStream, ServerCallContext context) =>
        StreamWorkItemsAsync(engine, responseStream, context);

    public override Task<CompleteTaskResponse> CompleteActivityTask(ActivityResponse request, ServerCallContext context) => Call(async () =>
    {
        await engine.CompleteActivityTaskAsync(request, context.CancellationToken);
        return new CompleteTaskResponse();
    });

    // Deprecated in the protocol for CompleteWorkflowTask, but workers on older SDKs still call it.
    [Obsolete("Use CompleteWorkflowTask")]
    public override Task<CompleteTaskResponse> CompleteOrchestratorTask(WorkflowResponse request, ServerCallContext context) =>
        CompleteTurnAsync(engine, request, context);

    public override Task<CompleteTaskResponse> CompleteWorkflowTask(WorkflowResponse request, ServerCallContext context) =>
        CompleteTurnAsync(engine, request, context);

    public override Task<GetInstanceHistoryResponse> GetInstanceHistory(GetInstanceHistoryRequest request, ServerCallContext context) => Call(async () =>
    {
        try
        {
            var response = new GetInstanceHistoryResponse();
            response.Events.AddRange(await engine.GetHistoryAsync(request.InstanceId, context.CancellationToken));
            return response;
        }
        catch (WorkflowNotFoundException)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"workflow instance '{request.InstanceId}' not found"));
        }
    });

    public override Task<RerunWorkflowFromEventResponse> RerunWorkflowFromEvent(RerunWorkflowFromEventRequest request, ServerCallContext context) => Call(async () =>
    {
        var newInstanceId = await engine.RerunAsync(
            request.SourceInstanceID,
            checked((int)request.EventID),
            request.HasNewInstanceID ? request.NewInstanceID : null,
            request.OverwriteInput,
            request.Input,
            request.HasNewChildWorkflowInstanceID ? request.NewChildWorkflowInstanceID : null,
            context.CancellationToken);
        return new RerunWorkflowFromEventResponse { NewInstanceID = newInstanceId };
    });

    public override Task<ListInstanceIDsResponse> ListInstanceIDs(ListInstanceIDsRequest request, ServerCallContext context) => Call(async () =>
    {
        var (instanceIds, continuationToken) = await engine.ListInstanceIdsAsync(
            request.HasContinuationToken ? request.ContinuationToken : null,
            request.HasPageSize ? request.PageSize : null,
            context.CancellationToken);
        var response = new ListInstanceIDsResponse();
        response.InstanceIds.AddRange(instanceIds);
        if (continuationToken is not null)
        {
            response.ContinuationToken = continuationToken;
        }

        return response;
    });

    private static async Task<CreateInstanceResponse> StartInstanceAsync(WorkflowEngine engine, CreateInstanceRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "workflow name is not configured"));
        }

        var instanceId = string.IsNullOrEmpty(request.InstanceId) ? Guid.NewGuid().ToString() : request.InstanceId;
        await engine.StartAsync(
            instanceId, request.Name, request.Input, request.ExecutionId, request.ScheduledStartTimestamp, request.Version,
            request.Tags, request.ParentTraceContext, context.CancellationToken);

        // daprd answers once the first turn has run, unless the start is scheduled for later.
        if (request.ScheduledStartTimestamp is null)
        {
            await WaitAsync(engine, instanceId, s => s.Status != OrchestrationStatus.Pending, context);
        }

        return new CreateInstanceResponse { InstanceId = instanceId };
    }

    private static Task<CompleteTaskResponse> CompleteTurnAsync(WorkflowEngine engine, WorkflowResponse request, ServerCallContext context) => Call(async () =>
    {
        await engine.CompleteWorkflowTaskAsync(request, context.CancellationToken);
        return new CompleteTaskResponse();
    });

    private static async Task StreamWorkItemsAsync(WorkflowEngine engine, IServerStreamWriter<WorkItem> writer, ServerCallContext context)
    {
        try
        {
            engine.EnsureAvailable();
        }
        catch (WorkflowUnavailableException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "unable to establish work item stream at this time: " + e.Message));
        }

        var stream = engine.ConnectWorker();
        try
        {
            // Workers wait for the headers before they count the stream as established.
            await context.WriteResponseHeadersAsync([]);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, engine.Stopping);
            try
            {
                await foreach (var item in stream.Outbox.ReadAllAsync(stop.Token))
                {
                    await writer.WriteAsync(item, context.CancellationToken);
                }
            }
            catch (OperationCanceledException) when (engine.Stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
            {
                // The sidecar is stopping: end the stream normally so the worker reconnects elsewhere.
            }
        }
        finally
        {
            engine.DisconnectWorker(stream);
        }
    }

    private static async Task<WorkflowSnapshot> WaitAsync(WorkflowEngine engine, string instanceId, Func<WorkflowSnapshot, bool> condition, ServerCallContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, engine.Stopping);
        try
        {
            return await engine.WaitAsync(instanceId, condition, stop.Token);
        }
        catch (OperationCanceledException) when (engine.Stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "shutting down"));
        }
    }

    private static GetInstanceResponse ToResponse(WorkflowSnapshot? snapshot, bool includeInputsAndOutputs) => snapshot is null
        ? new GetInstanceResponse { Exists = false }
        : new GetInstanceResponse { Exists = true, WorkflowState = snapshot.ToWorkflowState(includeInputsAndOutputs) };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Engine failures as gRPC statuses.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (WorkflowUnavailableException e)
        {
            throw new RpcException(new Status(StatusCode.Internal, e.Message));
        }
        catch (WorkflowNotFoundException e)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"{e.Message}: {e.InstanceId}"));
        }
        catch (WorkflowAlreadyExistsException e)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, e.Message));
        }
        catch (WorkflowRerunException e)
        {
            throw new RpcException(new Status(e.Code, e.Message));
        }
        catch (WorkflowNotCompletedException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, e.Message));
        }
        catch (Exception e) when (e is not (RpcException or OperationCanceledException))
        {
            // As a Go error returned from daprd's handler: UNKNOWN with its text.
            throw new RpcException(new Status(StatusCode.Unknown, e.Message));
        }
    }
}
