using System.Net;
using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Client;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.DurableTask.Protocol;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Workflow.Tests.Grpc;

public sealed class GrpcStatusTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static GrpcCallOptions CallOptions => new() { CancellationToken = Ct };

    [Fact]
    public async Task Handler_status_and_percent_encoded_message_reach_the_client()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<GrpcException>(() =>
            channel.UnaryCallAsync(TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "missing" }, CallOptions));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("no such instance: missing — ✗ 100%", error.Detail);
    }

    [Fact]
    public async Task An_error_before_any_output_is_a_trailers_only_response()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var raw = new RawHttp2Client(server.Address);

        var response = await raw.PostAsync("/TaskHubSidecarService/GetInstance", Frame(new GetInstanceRequest { InstanceId = "missing" }));

        Assert.Equal(HttpStatusCode.OK, response.HttpStatus);
        Assert.True(response.TrailersOnly);
        Assert.Equal("5", response.GrpcStatus);
        Assert.Equal("no such instance: missing %E2%80%94 %E2%9C%97 100%25", response.GrpcMessage);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task An_unexpected_exception_is_INTERNAL_without_its_details()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<GrpcException>(() =>
            channel.UnaryCallAsync(TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "boom" }, CallOptions));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("hunter2", error.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_after_streamed_messages_arrives_in_trailers()
    {
        await using var server = await GrpcTestServer.StartAsync(endpoints =>
            endpoints.MapGrpcService("Flaky").MapServerStreaming<GetWorkItemsRequest, WorkItem>("Items", async (_, stream, _) =>
            {
                for (var i = 0; i < 3; i++)
                {
                    await stream.WriteAsync(TestSidecarService.CreateWorkItem(i));
                }

                throw new GrpcException(StatusCode.Aborted, "sidecar shutting down");
            }));
        using var channel = GrpcChannel.ForAddress(server.Address);

        var received = new List<WorkItem>();
        var error = await Assert.ThrowsAsync<GrpcException>(async () =>
        {
            await foreach (var item in channel.ServerStreamingCall(
                new GrpcMethod<GetWorkItemsRequest, WorkItem>(GrpcMethodType.ServerStreaming, "Flaky", "Items"), new GetWorkItemsRequest(), CallOptions))
            {
                received.Add(item);
            }
        });

        Assert.Equal(3, received.Count);
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("sidecar shutting down", error.Detail);
    }

    [Fact]
    public async Task Unknown_method_of_a_mapped_service_is_UNIMPLEMENTED()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<GrpcException>(() =>
            channel.UnaryCallAsync(TaskHubSidecarServiceMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = "x" }, CallOptions));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal("Method is unimplemented.", error.Detail);
    }

    [Fact]
    public async Task Unknown_service_is_UNIMPLEMENTED()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<GrpcException>(() => channel.UnaryCallAsync(
            new GrpcMethod<GetInstanceRequest, GetInstanceResponse>(GrpcMethodType.Unary, "dapr.proto.runtime.v1.Dapr", "GetState"),
            new GetInstanceRequest(),
            CallOptions));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal("Service is unimplemented.", error.Detail);
    }

    [Fact]
    public async Task The_unimplemented_fallback_leaves_plain_http_routes_alone()
    {
        await using var server = await GrpcTestServer.StartAsync(endpoints =>
        {
            new TestSidecarService().Map(endpoints);
            endpoints.MapPost("/v1.0/healthz", () => Results.Text("plain http"));
        });
        using var raw = new RawHttp2Client(server.Address);

        var plainRoute = await raw.PostAsync("/v1.0/healthz", [], contentType: "application/json");
        var unknownPlain = await raw.PostAsync("/Some/Path", [], contentType: "application/json");

        Assert.Equal(HttpStatusCode.OK, plainRoute.HttpStatus);
        Assert.Equal("plain http", System.Text.Encoding.UTF8.GetString(plainRoute.Body));
        Assert.Null(plainRoute.GrpcStatus);
        Assert.Equal(HttpStatusCode.NotFound, unknownPlain.HttpStatus);
        Assert.Null(unknownPlain.GrpcStatus);
    }

    [Fact]
    public async Task A_request_that_is_not_grpc_is_rejected_with_415()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var raw = new RawHttp2Client(server.Address);

        var response = await raw.PostAsync("/TaskHubSidecarService/GetInstance", Frame(new GetInstanceRequest()), contentType: "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.HttpStatus);
        Assert.Equal("13", response.GrpcStatus);
    }

    [Fact]
    public async Task An_unreachable_server_is_UNAVAILABLE()
    {
        var port = DaprPlatform.Testing.FreePort.Get();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<GrpcException>(() =>
            channel.UnaryCallAsync(TaskHubSidecarServiceMethods.Hello, new Google.Protobuf.WellKnownTypes.Empty(), CallOptions));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    internal static byte[] Frame(IMessage message) => GrpcMessageFraming.ToFramedBytes(message, null);
}
