using System.IO.Pipelines;
using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Client;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Dapr.Grpc.Server;

namespace DaprPlatform.Workflow.Tests.Grpc;

public sealed class GrpcFramingTests
{
    private const string GetInstancePath = "/TaskHubSidecarService/GetInstance";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_oversized_request_is_RESOURCE_EXHAUSTED()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService(), new GrpcServerOptions { MaxReceiveMessageSize = 1024 });
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<GrpcException>(() => channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = new string('a', 2048) },
            new GrpcCallOptions { CancellationToken = Ct }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task An_oversized_response_is_RESOURCE_EXHAUSTED_on_the_client()
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 });

        var error = await Assert.ThrowsAsync<GrpcException>(() => channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = new string('b', 200) },
            new GrpcCallOptions { CancellationToken = Ct }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task A_request_above_the_send_limit_is_refused_before_sending()
    {
        var service = new TestSidecarService();
        await using var server = await TestSidecarService.StartAsync(service);
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxSendMessageSize = 16 });

        var error = await Assert.ThrowsAsync<GrpcException>(() => channel.UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance,
            new GetInstanceRequest { InstanceId = new string('c', 100) },
            new GrpcCallOptions { CancellationToken = Ct }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Null(service.LastApiToken);
    }

    public static TheoryData<string, byte[], string?, string> MalformedBodies() => new()
    {
        { "truncated message", [0, 0, 0, 0, 100, 1, 2, 3], null, "13" },
        { "truncated header", [0, 0, 0], null, "13" },
        { "empty body", [], null, "13" },
        { "compressed without grpc-encoding", [1, 0, 0, 0, 2, 10, 0], null, "13" },
        { "compressed with unsupported grpc-encoding", [1, 0, 0, 0, 2, 10, 0], "gzip", "12" },
        { "unknown flag", [7, 0, 0, 0, 0], null, "13" },
        { "undecodable protobuf", [0, 0, 0, 0, 3, 10, 50, 1], null, "13" },
        { "two messages in a unary request", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], null, "13" },
        { "length above the limit", [0, 0x7F, 0xFF, 0xFF, 0xFF], null, "8" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Malformed_request_bodies_get_a_grpc_error_status(string description, byte[] body, string? encoding, string expectedStatus)
    {
        await using var server = await TestSidecarService.StartAsync(new TestSidecarService());
        using var raw = new RawHttp2Client(server.Address);

        var response = await raw.PostAsync(GetInstancePath, body, headers: encoding is null ? null : [new("grpc-encoding", encoding)]);

        Assert.True(expectedStatus == response.GrpcStatus, $"{description}: expected grpc-status {expectedStatus}, got {response.GrpcStatus} ({response.GrpcMessage})");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.HttpStatus);
    }

    [Fact]
    public async Task Frames_split_across_many_reads_are_reassembled()
    {
        var pipe = new Pipe();
        var first = TestSidecarService.CreateWorkItem(0);
        var second = TestSidecarService.CreateWorkItem(1);
        var bytes = GrpcMessageFraming.ToFramedBytes(first, null).Concat(GrpcMessageFraming.ToFramedBytes(second, null)).ToArray();

        var writer = Task.Run(async () =>
        {
            foreach (var b in bytes)
            {
                await pipe.Writer.WriteAsync(new[] { b }, Ct);
            }

            await pipe.Writer.CompleteAsync();
        }, Ct);

        var readFirst = await GrpcMessageFraming.ReadMessageAsync(pipe.Reader, WorkItem.Parser, null, null, Ct);
        var readSecond = await GrpcMessageFraming.ReadMessageAsync(pipe.Reader, WorkItem.Parser, null, null, Ct);
        var end = await GrpcMessageFraming.ReadMessageAsync(pipe.Reader, WorkItem.Parser, null, null, Ct);
        await writer;

        Assert.Equal(first, readFirst);
        Assert.Equal(second, readSecond);
        Assert.Null(end);
    }

    [Fact]
    public async Task An_oversized_frame_is_rejected_from_its_header_without_waiting_for_the_body()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0x10, 0, 0 }, Ct);

        var error = await Assert.ThrowsAsync<GrpcException>(async () =>
            await GrpcMessageFraming.ReadMessageAsync(pipe.Reader, WorkItem.Parser, 1024, null, Ct));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Theory]
    [InlineData("100m", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5S", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("2M", 2 * TimeSpan.TicksPerMinute)]
    [InlineData("1H", TimeSpan.TicksPerHour)]
    [InlineData("250u", 250 * TimeSpan.TicksPerMicrosecond)]
    [InlineData("99999999n", 999999)]
    public void Grpc_timeout_values_parse(string header, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(header, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("123456789S")]
    [InlineData("10x")]
    [InlineData("-5S")]
    public void Invalid_grpc_timeout_values_are_ignored(string header) => Assert.False(GrpcTimeout.TryParse(header, out _));

    [Theory]
    [InlineData(300, "300000u")]
    [InlineData(3_600_000, "3600000m")]
    [InlineData(400_000_000, "400000S")]
    public void Grpc_timeout_is_formatted_with_the_finest_unit_that_fits(long milliseconds, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData("plain ascii", "plain ascii")]
    [InlineData("100%", "100%25")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("café ✓", "caf%C3%A9 %E2%9C%93")]
    public void Grpc_message_is_percent_encoded_and_decoded(string message, string encoded)
    {
        Assert.Equal(encoded, GrpcStatusMessage.Encode(message));
        Assert.Equal(message, GrpcStatusMessage.Decode(encoded));
    }

    [Fact]
    public void Malformed_percent_sequences_are_kept_as_they_are() =>
        Assert.Equal("50%zz %4", GrpcStatusMessage.Decode("50%zz %4"));
}
