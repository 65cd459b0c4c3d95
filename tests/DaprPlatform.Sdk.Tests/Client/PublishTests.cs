using System.Text;

namespace DaprPlatform.Sdk.Tests.Client;

public sealed class PublishTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PublishEventAsync_posts_json_data_to_the_topic()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.PublishEventAsync("pubsub", "orders", new Order("o-1", 2), Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/publish/pubsub/orders", request.RawTarget);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal(RecordingSidecar.ApiToken, request.Header("dapr-api-token"));
        JsonAssert.Equal("""{"id":"o-1","quantity":2}""", request.BodyText);
    }

    [Fact]
    public async Task Publish_metadata_travels_as_metadata_query_parameters()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.PublishEventAsync("pubsub", "orders", new Order("o-1", 2), new Dictionary<string, string> { ["ttlInSeconds"] = "120" }, Ct);

        Assert.Equal("/v1.0/publish/pubsub/orders?metadata.ttlInSeconds=120", sidecar.SingleRequest().RawTarget);
    }

    [Fact]
    public async Task PublishEventOptions_map_to_daprd_metadata_keys()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.PublishEventAsync("pubsub", "orders", new Order("o-1", 2), new PublishEventOptions
        {
            TimeToLive = TimeSpan.FromSeconds(90.2),
            RawPayload = true,
            CloudEventId = "evt-1",
            CloudEventSource = "ordering",
            CloudEventType = "order.created",
            CloudEventSubject = "o-1",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ContentType = "application/vnd.order+json",
            Metadata = new Dictionary<string, string> { ["partitionKey"] = "o-1" },
        }, Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("application/vnd.order+json", request.ContentType);
        var query = request.Query.TrimStart('?').Split('&').Order().ToArray();
        Assert.Equal(
            new[]
            {
                "metadata.cloudevent.id=evt-1",
                "metadata.cloudevent.source=ordering",
                "metadata.cloudevent.subject=o-1",
                "metadata.cloudevent.traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "metadata.cloudevent.type=order.created",
                "metadata.partitionKey=o-1",
                "metadata.rawPayload=true",
                "metadata.ttlInSeconds=91",
            },
            query);
    }

    [Fact]
    public async Task PublishByteEventAsync_sends_the_bytes_with_their_content_type_and_topics_may_contain_slashes()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.PublishByteEventAsync("pubsub", "audit/logins", Encoding.UTF8.GetBytes("user 1 logged in"), "text/plain", cancellationToken: Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("/v1.0/publish/pubsub/audit/logins", request.RawTarget);
        Assert.Equal("text/plain", request.ContentType);
        Assert.Equal("user 1 logged in", request.BodyText);
    }

    [Fact]
    public async Task PublishCloudEventAsync_sends_a_structured_cloudevent()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.PublishCloudEventAsync("pubsub", "orders", new CloudEvent<Order>(new Order("o-1", 1))
        {
            Id = "evt-9",
            Source = "ordering",
            Type = "order.created",
            Time = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Extensions = new Dictionary<string, string> { ["tenant"] = "t1" },
        }, cancellationToken: Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("application/cloudevents+json", request.ContentType);
        JsonAssert.Equal("""
            {"specversion":"1.0","id":"evt-9","source":"ordering","type":"order.created","time":"2030-01-02T03:04:05+00:00",
             "datacontenttype":"application/json","tenant":"t1","data":{"id":"o-1","quantity":1}}
            """, request.BodyText);
    }

    [Fact]
    public async Task A_binary_cloudevent_payload_goes_out_as_data_base64()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.PublishCloudEventAsync("pubsub", "blobs", new CloudEvent<byte[]>([1, 2, 3]) { Id = "b", DataContentType = "application/octet-stream" }, cancellationToken: Ct);

        JsonAssert.Equal(
            """{"specversion":"1.0","id":"b","datacontenttype":"application/octet-stream","data_base64":"AQID"}""",
            sidecar.SingleRequest().BodyText);
    }

    [Fact]
    public async Task An_unknown_pubsub_surfaces_daprd_404_as_DaprApiException()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Error(404, "ERR_PUBSUB_NOT_FOUND", "pubsub nope is not found"));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprApiException>(() => client.PublishEventAsync("nope", "orders", 1, Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", error.ErrorCode);
    }

    [Fact]
    public async Task BulkPublishEventAsync_posts_entries_to_the_alpha_bulk_route()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        var result = await client.BulkPublishEventAsync(
            "pubsub", "orders", [new Order("a", 1), new Order("b", 2)], new Dictionary<string, string> { ["rawPayload"] = "true" }, Ct);

        Assert.True(result.IsSuccess);
        var request = sidecar.SingleRequest();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0-alpha1/publish/bulk/pubsub/orders?metadata.rawPayload=true", request.RawTarget);
        JsonAssert.Equal("""
            [{"entryId":"0","event":{"id":"a","quantity":1},"contentType":"application/json"},
             {"entryId":"1","event":{"id":"b","quantity":2},"contentType":"application/json"}]
            """, request.BodyText);
    }

    [Fact]
    public async Task A_partial_bulk_failure_comes_back_as_failed_entries()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(500, """{"failedEntries":[{"entryId":"e2","error":"broker said no"}],"errorCode":"ERR_PUBSUB_PUBLISH_MESSAGE"}"""));
        using var client = sidecar.CreateClient();
        BulkPublishEntry<Order>[] entries =
        [
            new("e1", new Order("a", 1)),
            new("e2", new Order("b", 2), "application/json", new Dictionary<string, string> { ["ttlInSeconds"] = "5" }),
        ];

        var result = await client.BulkPublishEventAsync("pubsub", "orders", entries, cancellationToken: Ct);

        Assert.False(result.IsSuccess);
        Assert.Equal("ERR_PUBSUB_PUBLISH_MESSAGE", result.ErrorCode);
        var failed = Assert.Single(result.FailedEntries);
        Assert.Same(entries[1], failed.Entry);
        Assert.Equal("broker said no", failed.ErrorMessage);
        JsonAssert.Equal("""
            [{"entryId":"e1","event":{"id":"a","quantity":1},"contentType":"application/json"},
             {"entryId":"e2","event":{"id":"b","quantity":2},"contentType":"application/json","metadata":{"ttlInSeconds":"5"}}]
            """, sidecar.SingleRequest().BodyText);
    }

    [Fact]
    public async Task A_whole_bulk_publish_failure_throws()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Error(404, "ERR_PUBSUB_NOT_FOUND", "pubsub nope is not found"));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprApiException>(() => client.BulkPublishEventAsync("nope", "orders", new[] { 1, 2 }, cancellationToken: Ct));

        Assert.Equal("ERR_PUBSUB_NOT_FOUND", error.ErrorCode);
    }
}
