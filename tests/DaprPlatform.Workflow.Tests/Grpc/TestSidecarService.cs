using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Dapr.Grpc.Server;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace DaprPlatform.Workflow.Tests.Grpc;

/// <summary>
/// A small TaskHubSidecarService used by the transport tests: GetInstance answers by instance id
/// ("order-42" found, "missing" NOT_FOUND, "slow" waits for cancellation, "boom" throws), GetWorkItems streams
/// <see cref="WorkItemCount"/> items. Each call's cancellation is recorded so tests can see what the server observed.
/// </summary>
internal sealed class TestSidecarService
{
    public const int WorkItemCount = 500;

    public TaskCompletionSource<CancelledCall> SlowCallCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SlowCallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource StreamCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? LastApiToken { get; private set; }

    public static Task<GrpcTestServer> StartAsync(TestSidecarService service, GrpcServerOptions? options = null) =>
        GrpcTestServer.StartAsync(endpoints => service.Map(endpoints, options));

    public void Map(IEndpointRouteBuilder endpoints, GrpcServerOptions? options = null) =>
        endpoints.MapGrpcService(TaskHubSidecarServiceMethods.ServiceName, options)
            .MapUnary(TaskHubSidecarServiceMethods.GetInstance, GetInstanceAsync)
            .MapUnary(TaskHubSidecarServiceMethods.RaiseEvent, (request, _) => Task.FromResult(new RaiseEventResponse()))
            .MapServerStreaming(TaskHubSidecarServiceMethods.GetWorkItems, StreamWorkItemsAsync)
            .MapServerStreaming<GetInstanceRequest, WorkItem>("StreamUntilCancelled", StreamUntilCancelledAsync);

    public static WorkItem CreateWorkItem(int index) => index % 2 == 0
        ? new WorkItem
        {
            CompletionToken = $"token-{index}",
            WorkflowRequest = new WorkflowRequest
            {
                InstanceId = $"wf-{index}",
                PastEvents =
                {
                    new HistoryEvent
                    {
                        EventId = -1,
                        Timestamp = Timestamp.FromDateTime(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
                        WorkflowStarted = new WorkflowStartedEvent(),
                    },
                },
            },
        }
        : new WorkItem
        {
            CompletionToken = $"token-{index}",
            ActivityRequest = new ActivityRequest
            {
                Name = "ReserveInventory",
                TaskId = index,
                Input = $"{{\"sku\":\"item-{index}\"}}",
                WorkflowInstance = new WorkflowInstance { InstanceId = $"wf-{index - 1}" },
            },
        };

    private async Task<GetInstanceResponse> GetInstanceAsync(GetInstanceRequest request, ServerCallContext context)
    {
        LastApiToken = context.GetRequestHeader("dapr-api-token");
        switch (request.InstanceId)
        {
            case "missing":
                throw new GrpcException(StatusCode.NotFound, $"no such instance: {request.InstanceId} — ✗ 100%");
            case "boom":
                throw new InvalidOperationException("connection string Password=hunter2 leaked");
            case "slow":
                SlowCallStarted.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    SlowCallCancelled.TrySetResult(new CancelledCall(context.Deadline, context.HttpContext.RequestAborted.IsCancellationRequested));
                    throw;
                }

                break;
        }

        return new GetInstanceResponse
        {
            Exists = true,
            WorkflowState = new WorkflowState
            {
                InstanceId = request.InstanceId,
                Name = "OrderWorkflow",
                WorkflowStatus = OrchestrationStatus.Running,
                Input = request.GetInputsAndOutputs ? "{\"qty\":3}" : null,
                CustomStatus = LastApiToken,
            },
        };
    }

    private static async Task StreamWorkItemsAsync(GetWorkItemsRequest request, IServerStreamWriter<WorkItem> stream, ServerCallContext context)
    {
        for (var i = 0; i < WorkItemCount; i++)
        {
            await stream.WriteAsync(CreateWorkItem(i));
        }
    }

    private async Task StreamUntilCancelledAsync(GetInstanceRequest request, IServerStreamWriter<WorkItem> stream, ServerCallContext context)
    {
        try
        {
            // Under load a short deadline may already pass during the first write: that counts as observed too.
            await stream.WriteAsync(CreateWorkItem(0));
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            StreamCancelled.TrySetResult();
            throw;
        }
    }
}

/// <summary>What the server saw when a call was cancelled (captured before the HttpContext is recycled).</summary>
internal sealed record CancelledCall(DateTime Deadline, bool ClientAborted);
