using System.Net;
using System.Text.Json;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>A sidecar without an app and two in-memory pub/subs, one of them with topic scoping.</summary>
public sealed class PublishApiFixture : IAsyncLifetime
{
    public const string AppId = "publisher";

    private ResourcesDirectory? _resources;

    public SidecarProcess Sidecar { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _resources = new ResourcesDirectory()
            .AddInMemoryPubSub("pubsub")
            .AddComponent("scoped", "pubsub.in-memory", new Dictionary<string, string>
            {
                ["publishingScopes"] = $"{AppId}=allowed;other-app=secret",
            });
        Sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = AppId, ResourcesPaths = [_resources.Path] });
    }

    public async ValueTask DisposeAsync()
    {
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        _resources?.Dispose();
    }
}

/// <summary>The publish API's answers, including daprd's error codes for each kind of bad request.</summary>
public sealed class PublishApiTests(PublishApiFixture fixture) : IClassFixture<PublishApiFixture>
{
    private SidecarProcess Sidecar => fixture.Sidecar;

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    public async Task Publish_answers_204_with_an_empty_body(string method)
    {
        using var response = await Sidecar.PublishAsync("pubsub", "orders", """{"a":1}""", method: method);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?metadata.rawPayload=true")]
    public async Task A_body_declared_larger_than_the_limit_is_413_before_it_is_read(string query)
    {
        // Only the headers are sent: the declared length (just above the largest array .NET can make) is refused
        // from the header alone, without a buffer being made for it first.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Sidecar.HttpPort, TestContext.Current.CancellationToken);
        await using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        var head = $"POST /v1.0/publish/pubsub/orders{query} HTTP/1.1\r\nHost: 127.0.0.1:{Sidecar.HttpPort}\r\nContent-Type: application/json\r\nContent-Length: 2147483600\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);

        // Read until the error body is complete or the sidecar closes the connection.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var answer = "";
        var buffer = new byte[4096];
        int read;
        while (!answer.EndsWith('}') && (read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            answer += System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }

        Assert.StartsWith("HTTP/1.1 413", answer);
        Assert.Contains("\"errorCode\":\"ERR_BODY_READ\"", answer);
    }

    [Fact]
    public async Task Unknown_pub_sub_is_404_pub_sub_not_found()
    {
        using var response = await Sidecar.PublishAsync("nosuch", "orders", "{}");

        var error = await PubSubHttp.AssertDaprErrorAsync(response, 404, "ERR_PUBSUB_NOT_FOUND");
        Assert.Equal("pubsub nosuch is not found", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Empty_topic_is_404_topic_name_empty()
    {
        using var response = await Sidecar.PublishAsync("pubsub", "", "{}");

        await PubSubHttp.AssertDaprErrorAsync(response, 404, "ERR_TOPIC_NAME_EMPTY");
    }

    [Fact]
    public async Task Topic_outside_the_publishing_scope_is_403_forbidden()
    {
        using var denied = await Sidecar.PublishAsync("scoped", "secret", "{}");
        using var allowed = await Sidecar.PublishAsync("scoped", "allowed", "{}");

        var error = await PubSubHttp.AssertDaprErrorAsync(denied, 403, "ERR_PUBSUB_FORBIDDEN");
        Assert.Equal($"topic secret is not allowed for app id {PublishApiFixture.AppId}", error.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
    }

    [Fact]
    public async Task Invalid_raw_payload_metadata_is_400_request_metadata()
    {
        using var response = await Sidecar.PublishAsync("pubsub", "orders", "{}", query: "?metadata.rawPayload=maybe");

        await PubSubHttp.AssertDaprErrorAsync(response, 400, "ERR_PUBSUB_REQUEST_METADATA");
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public async Task Cloud_event_content_type_with_a_body_that_is_no_object_is_500_cloud_event_creation(string body)
    {
        using var response = await Sidecar.PublishAsync("pubsub", "orders", body, "application/cloudevents+json");

        await PubSubHttp.AssertDaprErrorAsync(response, 500, "ERR_PUBSUB_CLOUD_EVENTS_SER");
    }

    [Theory]
    [InlineData("v1.0-alpha1")]
    [InlineData("v1.0")]
    public async Task Bulk_publish_answers_204(string version)
    {
        using var response = await Sidecar.BulkPublishAsync(
            "pubsub", "orders", """[{"entryId":"a","event":{"x":1},"contentType":"application/json"},{"entryId":"b","event":"hi","contentType":"text/plain"}]""", version);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData("""[{"entryId":"a","event":1,"contentType":"application/json"},{"entryId":"a","event":2,"contentType":"application/json"}]""")]
    [InlineData("""[{"event":1,"contentType":"application/json"}]""")]
    public async Task Bulk_publish_with_a_duplicate_or_missing_entry_id_is_400(string body)
    {
        using var response = await Sidecar.BulkPublishAsync("pubsub", "orders", body);

        var error = await PubSubHttp.AssertDaprErrorAsync(response, 400, "ERR_PUBSUB_EVENTS_SER");
        Assert.Contains("entryId is duplicated or not present", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("""[{"entryId":"a","event":{"x":1},"contentType":"text/plain"}]""")]
    [InlineData("""[{"entryId":"a","event":"not base64!","contentType":"application/octet-stream"}]""")]
    [InlineData("""[{"entryId":"a","event":{"x":1}}]""")]
    public async Task Bulk_publish_with_an_event_that_does_not_fit_its_content_type_is_400(string body)
    {
        using var response = await Sidecar.BulkPublishAsync("pubsub", "orders", body);

        await PubSubHttp.AssertDaprErrorAsync(response, 400, "ERR_PUBSUB_EVENTS_SER");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[{\"entryId\":5}]")]
    [InlineData("nope")]
    public async Task Bulk_publish_with_a_malformed_body_is_400(string body)
    {
        using var response = await Sidecar.BulkPublishAsync("pubsub", "orders", body);

        await PubSubHttp.AssertDaprErrorAsync(response, 400, "ERR_PUBSUB_EVENTS_SER");
    }

    [Fact]
    public async Task Bulk_publish_errors_as_single_publish_does()
    {
        using var notFound = await Sidecar.BulkPublishAsync("nosuch", "orders", "[]");
        using var forbidden = await Sidecar.BulkPublishAsync("scoped", "secret", """[{"entryId":"a","event":1,"contentType":"application/json"}]""");

        await PubSubHttp.AssertDaprErrorAsync(notFound, 404, "ERR_PUBSUB_NOT_FOUND");
        await PubSubHttp.AssertDaprErrorAsync(forbidden, 403, "ERR_PUBSUB_FORBIDDEN");
    }

    [Fact]
    public async Task No_pub_sub_configured_is_400_not_configured()
    {
        using var resources = new ResourcesDirectory().AddInMemoryStateStore();
        await using var sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = "no-pubsub", ResourcesPaths = [resources.Path] }, TestContext.Current.CancellationToken);

        using var response = await sidecar.PublishAsync("pubsub", "orders", "{}");

        await PubSubHttp.AssertDaprErrorAsync(response, 400, "ERR_PUBSUB_NOT_CONFIGURED");
    }

    [Fact]
    public async Task Metadata_lists_no_subscriptions_without_an_app()
    {
        var metadata = await Sidecar.MetadataAsync();

        Assert.Equal(JsonValueKind.Array, metadata.GetProperty("subscriptions").ValueKind);
        Assert.Equal(0, metadata.GetProperty("subscriptions").GetArrayLength());
    }
}
