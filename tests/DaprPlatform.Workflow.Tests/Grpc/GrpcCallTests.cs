using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Client;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Dapr.Grpc.Server;
using Microsoft.AspNetCore.Builder;

namespace DaprPlatform.Workflow.Tests.Grpc;

public sealed class GrpcCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unary_call_round_trips_messages_and_passes_metadata_to_the_handler()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        var options = new GrpcChannelOptions();
        options.DefaultHeaders.Add(new("dapr-api-token", "secret-token"));
        using var channel = GrpcChannel.ForAddress(server.Address, options);

        var response = await channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = "order-42", GetInputsAndOutputs = true },
            new GrpcCallOptions { CancellationToken = Ct });

        Assert.True(response.Exists);
        Assert.Equal("order-42", response.WorkflowState.InstanceId);
        Assert.Equal("OrderWorkflow", response.WorkflowState.Name);
        Assert.Equal("{\"qty\":3}", response.WorkflowState.Input);
        Assert.Equal("secret-token", service.LastApiToken);
        Assert.Equal("secret-token", response.WorkflowState.CustomStatus);
    }

    [Fact]
    public async Task Per_call_headers_are_sent_with_the_call()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address);

        await channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = "order-42" },
            new GrpcCallOptions { Headers = [new("dapr-api-token", "per-call")], CancellationToken = Ct });

        Assert.Equal("per-call", service.LastApiToken);
    }

    [Fact]
    public async Task Server_streaming_delivers_every_message_in_order()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var channel = GrpcChannel.ForAddress(server.Address);

        var received = new List<WorkItem>();
        await foreach (var item in channel.ServerStreamingCall(TaskHubSidecarServiceMethods.GetWorkItems, new GetWorkItemsRequest(), new GrpcCallOptions { CancellationToken = Ct }))
        {
            received.Add(item);
        }

        Assert.Equal(TestSidecarService.WorkItemCount, received.Count);
        for (var i = 0; i < received.Count; i++)
        {
            Assert.Equal(TestSidecarService.CreateWorkItem(i), received[i]);
        }
    }

    [Fact]
    public async Task Large_messages_cross_http2_frame_boundaries_intact()
    {
        var payload = new string('x', 300_000);
        await using var server = await GrpcTestServer.StartAsync(endpoints =>
            endpoints.MapGrpcService("Echo")
                .MapUnary<RaiseEventRequest, RaiseEventRequest>("Echo", (request, _) => Task.FromResult(request))
                .MapServerStreaming<RaiseEventRequest, RaiseEventRequest>("Repeat", async (request, stream, _) =>
                {
                    for (var i = 0; i < 5; i++)
                    {
                        await stream.WriteAsync(request);
                    }
                }));
        using var channel = GrpcChannel.ForAddress(server.Address);
        var request = new RaiseEventRequest { InstanceId = "big", Name = "payload", Input = payload };

        var echoed = await channel.UnaryCallAsync(new GrpcMethod<RaiseEventRequest, RaiseEventRequest>(GrpcMethodType.Unary, "Echo", "Echo"), request, new GrpcCallOptions { CancellationToken = Ct });
        var repeated = await channel.ServerStreamingCall(new GrpcMethod<RaiseEventRequest, RaiseEventRequest>(GrpcMethodType.ServerStreaming, "Echo", "Repeat"), request, new GrpcCallOptions { CancellationToken = Ct }).ToListAsync(Ct);

        Assert.Equal(request, echoed);
        Assert.Equal(5, repeated.Count);
        Assert.All(repeated, r => Assert.Equal(request, r));
    }

    [Fact]
    public async Task Many_concurrent_calls_share_one_channel()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var channel = GrpcChannel.ForAddress(server.Address);

        var calls = Enumerable.Range(0, 200).Select(i => channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = $"instance-{i}" },
            new GrpcCallOptions { CancellationToken = Ct }));
        var responses = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"instance-{i}"), responses.Select(r => r.WorkflowState.InstanceId));
    }

    [Fact]
    public async Task Concurrent_writers_on_one_stream_never_interleave_messages()
    {
        await using var server = await GrpcTestServer.StartAsync(endpoints =>
            endpoints.MapGrpcService("Fanout").MapServerStreaming<GetWorkItemsRequest, WorkItem>("Items", (_, stream, _) =>
                Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
                {
                    for (var i = 0; i < 50; i++)
                    {
                        await stream.WriteAsync(TestSidecarService.CreateWorkItem((writer * 50) + i));
                    }
                })))));
        using var channel = GrpcChannel.ForAddress(server.Address);

        var items = await channel.ServerStreamingCall(
            new GrpcMethod<GetWorkItemsRequest, WorkItem>(GrpcMethodType.ServerStreaming, "Fanout", "Items"),
            new GetWorkItemsRequest(),
            new GrpcCallOptions { CancellationToken = Ct }).ToListAsync(Ct);

        Assert.Equal(400, items.Count);
        Assert.Equal(400, items.Select(i => i.CompletionToken).Distinct().Count());
    }
}
