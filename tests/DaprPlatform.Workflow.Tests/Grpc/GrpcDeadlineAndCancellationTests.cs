using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Client;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.DurableTask.Protocol;

namespace DaprPlatform.Workflow.Tests.Grpc;

public sealed class GrpcDeadlineAndCancellationTests
{
    private static readonly TimeSpan ObservationTimeout = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_deadline_fails_with_DEADLINE_EXCEEDED_and_cancels_the_handler()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address);
        // Long enough for the call to reach the handler even on a loaded machine.
        var deadline = DateTime.UtcNow.AddSeconds(2);

        var error = await Assert.ThrowsAsync<GrpcException>(() => channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = "slow" },
            new GrpcCallOptions { Deadline = deadline, CancellationToken = Ct }));
        var serverContext = await service.SlowCallCancelled.Task.WaitAsync(ObservationTimeout, Ct);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        // grpc-timeout carried the deadline to the server (rounded to the header's resolution).
        Assert.InRange(serverContext.Deadline, deadline.AddSeconds(-1), deadline.AddSeconds(5));
    }

    [Fact]
    public async Task The_server_enforces_grpc_timeout_by_itself()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var raw = new RawHttp2Client(server.Address);

        var response = await raw.PostAsync(
            "/TaskHubSidecarService/GetInstance",
            GrpcStatusTests.Frame(new GetInstanceRequest { InstanceId = "slow" }),
            headers: [new("grpc-timeout", "200m")]);

        Assert.Equal("4", response.GrpcStatus);
        Assert.True(service.SlowCallCancelled.Task.IsCompleted);
    }

    [Fact]
    public async Task A_deadline_already_passed_fails_without_reaching_the_server()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<GrpcException>(() => channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = "order-42" },
            new GrpcCallOptions { Deadline = DateTime.UtcNow.AddSeconds(-1), CancellationToken = Ct }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Null(service.LastApiToken);
    }

    [Fact]
    public async Task Cancelling_a_unary_call_throws_OperationCanceled_and_cancels_the_handler()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var cts = new CancellationTokenSource();

        var call = channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = "slow" },
            new GrpcCallOptions { CancellationToken = cts.Token });
        await service.SlowCallStarted.Task.WaitAsync(ObservationTimeout, Ct);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var serverContext = await service.SlowCallCancelled.Task.WaitAsync(ObservationTimeout, Ct);

        Assert.Equal(DateTime.MaxValue, serverContext.Deadline);
        Assert.True(serverContext.ClientAborted);
    }

    [Fact]
    public async Task Cancelling_a_stream_is_observed_by_the_server()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var method = new GrpcMethod<GetInstanceRequest, WorkItem>(GrpcMethodType.ServerStreaming, TaskHubSidecarServiceMethods.ServiceName, "StreamUntilCancelled");

        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in channel.ServerStreamingCall(method, new GetInstanceRequest(), new GrpcCallOptions { CancellationToken = cts.Token }))
            {
                received++;
                await cts.CancelAsync();
            }
        });

        await service.StreamCancelled.Task.WaitAsync(ObservationTimeout, Ct);
        Assert.Equal(1, received);
    }

    [Fact]
    public async Task Leaving_a_stream_early_resets_it_on_the_server()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address);
        var method = new GrpcMethod<GetInstanceRequest, WorkItem>(GrpcMethodType.ServerStreaming, TaskHubSidecarServiceMethods.ServiceName, "StreamUntilCancelled");

        await foreach (var _ in channel.ServerStreamingCall(method, new GetInstanceRequest(), new GrpcCallOptions { CancellationToken = Ct }))
        {
            break;
        }

        await service.StreamCancelled.Task.WaitAsync(ObservationTimeout, Ct);
    }

    [Fact]
    public async Task A_stream_deadline_ends_the_stream_with_DEADLINE_EXCEEDED()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address);
        var method = new GrpcMethod<GetInstanceRequest, WorkItem>(GrpcMethodType.ServerStreaming, TaskHubSidecarServiceMethods.ServiceName, "StreamUntilCancelled");

        var error = await Assert.ThrowsAsync<GrpcException>(async () =>
        {
            await foreach (var _ in channel.ServerStreamingCall(method, new GetInstanceRequest(), new GrpcCallOptions { Deadline = DateTime.UtcNow.AddMilliseconds(300), CancellationToken = Ct }))
            {
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await service.StreamCancelled.Task.WaitAsync(ObservationTimeout, Ct);
    }

    [Fact]
    public async Task Stopping_the_server_ends_open_streams_with_UNAVAILABLE()
    {
        var service = new TestSidecarService();
        var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address);
        var method = new GrpcMethod<GetInstanceRequest, WorkItem>(GrpcMethodType.ServerStreaming, TaskHubSidecarServiceMethods.ServiceName, "StreamUntilCancelled");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        Task? stopping = null;
        var error = await Assert.ThrowsAsync<GrpcException>(async () =>
        {
            await foreach (var item in channel.ServerStreamingCall(method, new GetInstanceRequest(), new GrpcCallOptions { CancellationToken = Ct }))
            {
                stopping ??= server.DisposeAsync().AsTask();
            }
        });
        await stopping!;

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {stopwatch.Elapsed}");
    }
}
