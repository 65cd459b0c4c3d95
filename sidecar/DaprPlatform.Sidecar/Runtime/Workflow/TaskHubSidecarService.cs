using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.Dapr.Grpc.Server;
using DaprPlatform.Sidecar.Hosting;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// durabletask's TaskHubSidecarService on the gRPC API port, as daprd serves it (durabletask-go backend/executor.go):
/// the client RPCs workflow SDKs call, and the GetWorkItems stream plus completion RPCs their workers use.
/// RPCs daprd does not implement answer UNIMPLEMENTED.
/// </summary>
public static class TaskHubSidecarService
{
    public static GrpcServiceEndpointBuilder MapWorkflowGrpcService(this IEndpointRouteBuilder endpoints, SidecarOptions options)
    {
        var engine = endpoints.ServiceProvider.GetRequiredService<WorkflowEngine>();
        var service = endpoints.MapGrpcService(TaskHubSidecarServiceMethods.ServiceName);
        service.RequireHost($"*:{options.GrpcPort}");

        service
            .MapUnary(TaskHubSidecarServiceMethods.Hello, (request, _) => Task.FromResult(request))
            .MapUnary(TaskHubSidecarServiceMethods.StartInstance, (request, context) => Call(() => StartInstanceAsync(engine, request, context)))
            .MapUnary(TaskHubSidecarServiceMethods.GetInstance, (request, context) => Call(async () =>
            {
                var snapshot = await engine.GetAsync(request.InstanceId, context.CancellationToken);
                return ToResponse(snapshot, request.GetInputsAndOutputs);
            }))
            .MapUnary(TaskHubSidecarServiceMethods.WaitForInstanceStart, (request, context) => Call(async () =>
                ToResponse(await WaitAsync(engine, request.InstanceId, s => s.Status != OrchestrationStatus.Pending, context), request.GetInputsAndOutputs)))
            .MapUnary(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, (request, context) => Call(async () =>
                ToResponse(await WaitAsync(engine, request.InstanceId, s => s.IsComplete, context), request.GetInputsAndOutputs)))
            .MapUnary(TaskHubSidecarServiceMethods.RaiseEvent, (request, context) => Call(async () =>
            {
                await engine.RaiseEventAsync(request.InstanceId, request.Name, request.Input, context.CancellationToken);
                return new RaiseEventResponse();
            }))
            .MapUnary(TaskHubSidecarServiceMethods.TerminateInstance, (request, context) => Call(async () =>
            {
                await engine.TerminateAsync(request.InstanceId, request.Output, request.Recursive, context.CancellationToken);
                await WaitAsync(engine, request.InstanceId, s => s.IsComplete, context);
                return new TerminateResponse();
            }))
            .MapUnary(TaskHubSidecarServiceMethods.SuspendInstance, (request, context) => Call(async () =>
            {
                await engine.SuspendAsync(request.InstanceId, NullIfEmpty(request.Reason), context.CancellationToken);
                await WaitAsync(engine, request.InstanceId, s => s.Status == OrchestrationStatus.Suspended, context);
                return new SuspendResponse();
            }))
            .MapUnary(TaskHubSidecarServiceMethods.ResumeInstance, (request, context) => Call(async () =>
            {
                await engine.ResumeAsync(request.InstanceId, NullIfEmpty(request.Reason), context.CancellationToken);
                await WaitAsync(engine, request.InstanceId, s => s.Status == OrchestrationStatus.Running, context);
                return new ResumeResponse();
            }))
            .MapUnary(TaskHubSidecarServiceMethods.PurgeInstances, (request, context) => Call(async () =>
            {
                if (request.RequestCase != PurgeInstancesRequest.RequestOneofCase.InstanceId)
                {
                    throw new GrpcException(StatusCode.Unknown, "multi-instance purge is not implemented");
                }

                var force = request.HasForce && request.Force;
                var deleted = await engine.PurgeAsync(request.InstanceId, request.Recursive, force, context.CancellationToken);
                return new PurgeInstancesResponse { DeletedInstanceCount = deleted, IsComplete = true };
            }))
            .MapServerStreaming(TaskHubSidecarServiceMethods.GetWorkItems, (request, writer, context) => StreamWorkItemsAsync(engine, writer, context))
            .MapUnary(TaskHubSidecarServiceMethods.CompleteActivityTask, (request, context) => Call(async () =>
            {
                await engine.CompleteActivityTaskAsync(request, context.CancellationToken);
                return new CompleteTaskResponse();
            }))
            .MapUnary(TaskHubSidecarServiceMethods.CompleteOrchestratorTask, (request, context) => CompleteTurnAsync(engine, request, context))
            .MapUnary(TaskHubSidecarServiceMethods.CompleteWorkflowTask, (request, context) => CompleteTurnAsync(engine, request, context))
            .MapUnary(TaskHubSidecarServiceMethods.GetInstanceHistory, (request, context) => Call(async () =>
            {
                try
                {
                    var response = new GetInstanceHistoryResponse();
                    response.Events.AddRange(await engine.GetHistoryAsync(request.InstanceId, context.CancellationToken));
                    return response;
                }
                catch (WorkflowNotFoundException)
                {
                    throw new GrpcException(StatusCode.NotFound, $"workflow instance '{request.InstanceId}' not found");
                }
            }));
        return service;
    }

    private static async Task<CreateInstanceResponse> StartInstanceAsync(WorkflowEngine engine, CreateInstanceRequest request, ServerCallContext context)
    {
        if (string.IsNullOrEmpty(request.Name))
        {
            throw new GrpcException(StatusCode.InvalidArgument, "workflow name is not configured");
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
            throw new GrpcException(StatusCode.Unavailable, "unable to establish work item stream at this time: " + e.Message);
        }

        var stream = engine.ConnectWorker();
        try
        {
            // Workers wait for the headers before they count the stream as established.
            await context.WriteResponseHeadersAsync();
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
            throw new GrpcException(StatusCode.Unavailable, "shutting down");
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
            throw new GrpcException(StatusCode.Internal, e.Message);
        }
        catch (WorkflowNotFoundException e)
        {
            throw new GrpcException(StatusCode.NotFound, $"{e.Message}: {e.InstanceId}");
        }
        catch (WorkflowAlreadyExistsException e)
        {
            throw new GrpcException(StatusCode.AlreadyExists, e.Message);
        }
        catch (WorkflowNotCompletedException e)
        {
            throw new GrpcException(StatusCode.FailedPrecondition, e.Message);
        }
        catch (Exception e) when (e is not (GrpcException or OperationCanceledException))
        {
            // As a Go error returned from daprd's handler: UNKNOWN with its text.
            throw new GrpcException(StatusCode.Unknown, e.Message);
        }
    }
}
