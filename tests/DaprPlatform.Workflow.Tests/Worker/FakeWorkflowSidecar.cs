using System.Collections.Concurrent;
using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Dapr.Grpc.Server;
using DaprPlatform.Dapr.Workflow.Testing;
using DaprPlatform.Workflow.Tests.Grpc;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;

namespace DaprPlatform.Workflow.Tests.Worker;

/// <summary>
/// A TaskHubSidecarService over real gRPC, backed by the in-memory workflow engine simulation: lets the real worker
/// and client run workflows end to end. Records what it saw (tokens, completion RPCs, streams, Hello calls) and
/// can drop the work-item stream to exercise reconnects.
/// </summary>
internal sealed class FakeWorkflowSidecar : IAsyncDisposable
{
    private readonly InMemoryWorkflowBackend _backend = new(() => DateTime.UtcNow);
    private readonly SemaphoreSlim _workSignal = new(0);
    private readonly string? _requiredApiToken;
    private GrpcTestServer? _server;

    private FakeWorkflowSidecar(string? requiredApiToken)
    {
        _requiredApiToken = requiredApiToken;
        _backend.WorkAvailable += () => _workSignal.Release();
    }

    public Uri Address => _server!.Address;

    /// <summary>End each work-item stream once this many items were delivered and completed (null = never).</summary>
    public int? DropStreamAfterItems { get; set; }

    public int WorkItemStreamsOpened => _streamsOpened;

    public int HelloCalls => _helloCalls;

    public ConcurrentQueue<string> CompletionMethods { get; } = new();

    /// <summary>Completions whose token did not match an item in flight.</summary>
    public int RejectedCompletions => _rejectedCompletions;

    public ConcurrentQueue<string?> ApiTokensSeen { get; } = new();

    private int _streamsOpened;
    private int _helloCalls;
    private int _rejectedCompletions;

    public static async Task<FakeWorkflowSidecar> StartAsync(string? requiredApiToken = null, int port = 0)
    {
        var sidecar = new FakeWorkflowSidecar(requiredApiToken);
        sidecar._server = await GrpcTestServer.StartAsync(sidecar.Map, port);
        return sidecar;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private void Map(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService(TaskHubSidecarServiceMethods.ServiceName)
            .MapUnary(TaskHubSidecarServiceMethods.Hello, (_, context) =>
            {
                Authorize(context);
                Interlocked.Increment(ref _helloCalls);
                return Task.FromResult(new Empty());
            })
            .MapUnary(TaskHubSidecarServiceMethods.StartInstance, (request, context) =>
            {
                Authorize(context);
                var id = _backend.CreateInstance(request.Name, NullIfEmpty(request.InstanceId), request.Input, request.ScheduledStartTimestamp?.ToDateTime());
                return Task.FromResult(new CreateInstanceResponse { InstanceId = id });
            })
            .MapUnary(TaskHubSidecarServiceMethods.GetInstance, (request, context) =>
            {
                Authorize(context);
                return Task.FromResult(ToResponse(_backend.GetState(request.InstanceId, request.GetInputsAndOutputs)));
            })
            .MapUnary(TaskHubSidecarServiceMethods.WaitForInstanceStart, (request, context) =>
                WaitForStateAsync(request, context, s => s.WorkflowStatus != OrchestrationStatus.Pending))
            .MapUnary(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, (request, context) =>
                WaitForStateAsync(request, context, s => s.WorkflowStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated))
            .MapUnary(TaskHubSidecarServiceMethods.RaiseEvent, (request, context) =>
            {
                Authorize(context);
                Require(_backend.RaiseEvent(request.InstanceId, request.Name, request.Input), request.InstanceId);
                return Task.FromResult(new RaiseEventResponse());
            })
            .MapUnary(TaskHubSidecarServiceMethods.TerminateInstance, (request, context) =>
            {
                Authorize(context);
                Require(_backend.Terminate(request.InstanceId, request.Output, request.Recursive), request.InstanceId);
                return Task.FromResult(new TerminateResponse());
            })
            .MapUnary(TaskHubSidecarServiceMethods.SuspendInstance, (request, context) =>
            {
                Authorize(context);
                Require(_backend.Suspend(request.InstanceId, request.Reason), request.InstanceId);
                return Task.FromResult(new SuspendResponse());
            })
            .MapUnary(TaskHubSidecarServiceMethods.ResumeInstance, (request, context) =>
            {
                Authorize(context);
                Require(_backend.Resume(request.InstanceId, request.Reason), request.InstanceId);
                return Task.FromResult(new ResumeResponse());
            })
            .MapUnary(TaskHubSidecarServiceMethods.PurgeInstances, (request, context) =>
            {
                Authorize(context);
                return Task.FromResult(new PurgeInstancesResponse { DeletedInstanceCount = _backend.Purge(request.InstanceId, request.Recursive) });
            })
            .MapServerStreaming(TaskHubSidecarServiceMethods.GetWorkItems, StreamWorkItemsAsync)
            .MapUnary(TaskHubSidecarServiceMethods.CompleteOrchestratorTask, (response, context) => CompleteWorkflow("CompleteOrchestratorTask", response, context))
            .MapUnary(TaskHubSidecarServiceMethods.CompleteWorkflowTask, (response, context) => CompleteWorkflow("CompleteWorkflowTask", response, context))
            .MapUnary(TaskHubSidecarServiceMethods.CompleteActivityTask, (response, context) =>
            {
                Authorize(context);
                CompletionMethods.Enqueue("CompleteActivityTask");
                Accept(_backend.CompleteActivityWorkItem(response));
                return Task.FromResult(new CompleteTaskResponse());
            });

    private async Task StreamWorkItemsAsync(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> stream, ServerCallContext context)
    {
        Authorize(context);
        Interlocked.Increment(ref _streamsOpened);
        await context.WriteResponseHeadersAsync();
        var delivered = new List<string>();
        try
        {
            while (DropStreamAfterItems is not { } limit || delivered.Count < limit || delivered.Exists(_backend.IsInFlight))
            {
                if (DropStreamAfterItems is { } dropAfter && delivered.Count >= dropAfter)
                {
                    // Quota reached: wait for the worker to report back, then hang up between items.
                    await Task.Delay(10, context.CancellationToken);
                    continue;
                }

                _backend.FireDueTimers();
                if (_backend.TryTakeWorkflowWorkItem(out var item) || _backend.TryTakeActivityWorkItem(out item))
                {
                    delivered.Add(item.CompletionToken);
                    await stream.WriteAsync(item);
                    continue;
                }

                await _workSignal.WaitAsync(TimeSpan.FromMilliseconds(20), context.CancellationToken);
            }
        }
        finally
        {
            // Like daprd: items handed to a stream that went away are dispatched again.
            foreach (var token in delivered)
            {
                _backend.Abandon(token);
            }
        }
    }

    private Task<CompleteTaskResponse> CompleteWorkflow(string method, WorkflowResponse response, ServerCallContext context)
    {
        Authorize(context);
        CompletionMethods.Enqueue(method);
        Accept(_backend.CompleteWorkflowWorkItem(response));
        return Task.FromResult(new CompleteTaskResponse());
    }

    private async Task<GetInstanceResponse> WaitForStateAsync(GetInstanceRequest request, ServerCallContext context, Func<WorkflowState, bool> reached)
    {
        Authorize(context);
        while (true)
        {
            var state = _backend.GetState(request.InstanceId, request.GetInputsAndOutputs);
            if (state is null || reached(state))
            {
                return ToResponse(state);
            }

            await Task.Delay(20, context.CancellationToken);
        }
    }

    private void Accept(bool accepted)
    {
        if (!accepted)
        {
            Interlocked.Increment(ref _rejectedCompletions);
        }
    }

    private void Authorize(ServerCallContext context)
    {
        var token = context.GetRequestHeader("dapr-api-token");
        ApiTokensSeen.Enqueue(token);
        if (_requiredApiToken is not null && token != _requiredApiToken)
        {
            throw new GrpcException(StatusCode.Unauthenticated, "missing or invalid dapr-api-token");
        }
    }

    private static void Require(bool found, string instanceId)
    {
        if (!found)
        {
            throw new GrpcException(StatusCode.NotFound, $"no such instance: {instanceId}");
        }
    }

    private static GetInstanceResponse ToResponse(WorkflowState? state) =>
        state is null ? new GetInstanceResponse { Exists = false } : new GetInstanceResponse { Exists = true, WorkflowState = state };

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
