using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Runtime.PubSub;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>
/// One app with programmatic and declarative subscriptions behind one sidecar on pubsub.in-memory, started once for
/// the class: every test publishes to topics of its own.
/// </summary>
public sealed class InMemoryDeliveryFixture : IAsyncLifetime
{
    public const string AppId = "inmem-subscriber";
    public const string AppToken = "app-token-for-deliveries";

    // v1 form with the .NET SDK's camelCase pubsubName and a path without a leading slash; v2 forms with rules.
    private const string Subscriptions = """
        [
          {"pubsubName":"pubsub","topic":"orders","route":"orders"},
          {"pubsubname":"pubsub","topic":"widgets","routes":{"rules":[
              {"match":"event.type == \"widget\"","path":"/widgets"},
              {"match":"event.data.kind == \"gadget\"","path":"/gadgets"}],"default":"/other"}},
          {"pubsubname":"pubsub","topic":"filtered","routes":{"rules":[{"match":"event.type == \"keep\"","path":"/kept"}]}},
          {"pubsubname":"pubsub","topic":"raw","route":"/raw","metadata":{"rawPayload":"true"}},
          {"pubsubname":"pubsub","topic":"answers","route":"/answers","deadLetterTopic":"answers-dead"},
          {"pubsubname":"pubsub","topic":"answers-dead","route":"/dead"},
          {"pubsubname":"pubsub","topic":"nested/topic/name","route":"/nested"},
          {"pubsubname":"pubsub","topic":"both","route":"/programmatic-both"},
          {"pubsubname":"pubsub","topic":"traced","route":"/traced"},
          {"pubsubname":"pubsub","topic":"ce","route":"/ce"},
          {"pubsubname":"pubsub","topic":"bulk","route":"/bulk"},
          {"pubsubname":"nosuchpubsub","topic":"orders","route":"/never"},
          {"pubsubname":"pubsub","topic":"denied","route":"/denied"},
          {"pubsubname":"pubsub","topic":"noroute"}
        ]
        """;

    private ResourcesDirectory? _resources;

    public SubscriberApp App { get; private set; } = null!;

    public SidecarProcess Sidecar { get; private set; } = null!;

    /// <summary>Programmatic ones (minus unknown pubsub, denied and route-less) plus the two declarative ones.</summary>
    public const int ExpectedSubscriptions = 12;

    public async ValueTask InitializeAsync()
    {
        App = await SubscriberApp.StartAsync(Subscriptions);
        _resources = new ResourcesDirectory()
            .AddComponent("pubsub", "pubsub.in-memory", new Dictionary<string, string>
            {
                // This app may subscribe to every topic but "denied".
                ["protectedTopics"] = "denied",
            })
            .AddSubscription("declared", "pubsub", "declared", "/declared")
            .AddSubscription("both", "pubsub", "both", "/declared-both");
        Sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions
        {
            AppId = AppId,
            AppPort = App.Port,
            ResourcesPaths = [_resources.Path],
            AppApiToken = AppToken,
        });
        await Sidecar.WaitForSubscriptionsAsync(ExpectedSubscriptions);
    }

    public async ValueTask DisposeAsync()
    {
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }

        _resources?.Dispose();
    }
}

/// <summary>Delivery from daprd-style subscriptions to a real app: envelope, headers, routing, statuses, dead letters.</summary>
public sealed class InMemoryDeliveryTests(InMemoryDeliveryFixture fixture) : IClassFixture<InMemoryDeliveryFixture>
{
    private SidecarProcess Sidecar => fixture.Sidecar;

    private SubscriberApp App => fixture.App;

    [Fact]
    public async Task Publish_delivers_the_cloud_event_with_daprs_headers_and_the_app_token()
    {
        await Sidecar.PublishOkAsync("pubsub", "orders", """{"orderId":42}""");

        var e = await App.NextAsync("/orders", e => e.Json.GetProperty("data").TryGetProperty("orderId", out _));
        Assert.Equal("application/cloudevents+json", e.ContentType);
        Assert.Equal(InMemoryDeliveryFixture.AppToken, e.Header("dapr-api-token"));
        Assert.Equal("pubsub", e.Header("pubsubname"));
        Assert.True(TraceContext.TryParse(e.Header("traceparent"), out _, out _), e.Header("traceparent"));
        var ce = e.Json;
        Assert.Equal(42, ce.GetProperty("data").GetProperty("orderId").GetInt32());
        Assert.Equal(InMemoryDeliveryFixture.AppId, ce.GetProperty("source").GetString());
        Assert.Equal("com.dapr.event.sent", ce.GetProperty("type").GetString());
        Assert.Equal("orders", ce.GetProperty("topic").GetString());
        Assert.Equal("pubsub", ce.GetProperty("pubsubname").GetString());
        Assert.Equal("application/json", ce.GetProperty("datacontenttype").GetString());
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(100_000, false)]
    [InlineData(3_000, true)]
    public async Task Published_data_arrives_whole_whatever_its_size_and_framing(int length, bool chunked)
    {
        var marker = Guid.NewGuid().ToString();
        var json = $$"""{"marker":"{{marker}}","fill":"{{new string('x', length)}}"}""";
        var body = Encoding.UTF8.GetBytes(json);
        using var content = chunked ? new StreamContent(new MemoryStream(body)) : (HttpContent)new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        if (chunked)
        {
            // StreamContent over a stream it cannot measure would still send a length; this forces chunked framing.
            content.Headers.ContentLength = null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1.0/publish/pubsub/orders") { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        using var response = await Sidecar.HttpClient.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);

        var ce = (await App.NextAsync("/orders", e => e.Json.GetProperty("data").TryGetProperty("marker", out var m) && m.GetString() == marker)).Json;
        Assert.Equal(json, ce.GetProperty("data").GetRawText());
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", ce.GetProperty("id").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$", ce.GetProperty("time").GetString());
    }

    [Fact]
    public void Subscribe_call_carries_json_content_type_app_id_and_the_app_token()
    {
        var request = Assert.Single(App.SubscribeRequests);
        Assert.Equal("application/json", request["content-type"]);
        Assert.Equal(InMemoryDeliveryFixture.AppId, request["dapr-app-id"]);
        Assert.Equal(InMemoryDeliveryFixture.AppToken, request["dapr-api-token"]);
    }

    [Fact]
    public async Task Metadata_lists_effective_subscriptions_with_type_rules_and_dead_letter_topic()
    {
        var subscriptions = (await Sidecar.MetadataAsync()).GetProperty("subscriptions").EnumerateArray().ToList();

        Assert.Equal(InMemoryDeliveryFixture.ExpectedSubscriptions, subscriptions.Count);
        JsonElement Topic(string topic) => Assert.Single(subscriptions, s => s.GetProperty("topic").GetString() == topic);
        Assert.Equal("DECLARATIVE", Topic("declared").GetProperty("type").GetString());
        // The app's own subscription replaces the declarative one for the same topic.
        var both = Topic("both");
        Assert.Equal("PROGRAMMATIC", both.GetProperty("type").GetString());
        Assert.Equal("/programmatic-both", both.GetProperty("rules")[0].GetProperty("path").GetString());
        var widgets = Topic("widgets").GetProperty("rules").EnumerateArray().Select(r => (r.GetProperty("match").GetString(), r.GetProperty("path").GetString())).ToList();
        Assert.Equal([("event.type == \"widget\"", "/widgets"), ("event.data.kind == \"gadget\"", "/gadgets"), ("", "/other")], widgets);
        Assert.Equal("answers-dead", Topic("answers").GetProperty("deadLetterTopic").GetString());
        Assert.Equal("", Topic("orders").GetProperty("deadLetterTopic").GetString());
        Assert.Equal("true", Topic("raw").GetProperty("metadata").GetProperty("rawPayload").GetString());
        Assert.DoesNotContain(subscriptions, s => s.GetProperty("pubsubname").GetString() == "nosuchpubsub");
        Assert.DoesNotContain(subscriptions, s => s.GetProperty("topic").GetString() is "denied" or "noroute");
    }

    [Fact]
    public async Task Route_rules_pick_the_first_match_else_the_default()
    {
        await Sidecar.PublishOkAsync("pubsub", "widgets", """{"kind":"gadget"}""", query: "?metadata.cloudevent.type=widget");
        await Sidecar.PublishOkAsync("pubsub", "widgets", """{"kind":"gadget","n":2}""");
        await Sidecar.PublishOkAsync("pubsub", "widgets", """{"kind":"other","n":3}""");

        Assert.Equal("widget", (await App.NextAsync("/widgets")).Json.GetProperty("type").GetString());
        Assert.Equal(2, (await App.NextAsync("/gadgets")).Json.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(3, (await App.NextAsync("/other")).Json.GetProperty("data").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Event_matching_no_rule_is_dropped_and_the_next_matching_one_is_delivered()
    {
        await Sidecar.PublishOkAsync("pubsub", "filtered", """{"n":1}""", query: "?metadata.cloudevent.type=skip");
        await Sidecar.PublishOkAsync("pubsub", "filtered", """{"n":2}""", query: "?metadata.cloudevent.type=keep");

        var kept = await App.NextAsync("/kept");
        Assert.Equal(2, kept.Json.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Single(await App.SettleAsync("/kept", TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Raw_payload_is_published_as_is_and_wrapped_for_the_app()
    {
        await Sidecar.PublishOkAsync("pubsub", "raw", "not a cloud event", "text/plain", "?metadata.rawPayload=true");

        var ce = (await App.NextAsync("/raw")).Json;
        Assert.Equal("application/octet-stream", ce.GetProperty("datacontenttype").GetString());
        Assert.Equal("not a cloud event", Encoding.UTF8.GetString(Convert.FromBase64String(ce.GetProperty("data_base64").GetString()!)));
        Assert.Equal("Dapr", ce.GetProperty("source").GetString());
        Assert.Equal("raw", ce.GetProperty("topic").GetString());
        Assert.Equal("pubsub", ce.GetProperty("pubsubname").GetString());
        Assert.True(Guid.TryParse(ce.GetProperty("id").GetString(), out _));
    }

    [Theory]
    [InlineData(200, """{"status":"DROP"}""")]
    [InlineData(404, null)]
    public async Task Dropped_event_goes_to_the_dead_letter_topic(int status, string? body)
    {
        var marker = Guid.NewGuid().ToString();
        App.Decide = e => e.Path == "/answers" && e.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0
            ? new AppAnswer(status, body)
            : AppAnswer.Success;

        await Sidecar.PublishOkAsync("pubsub", "answers", $$"""{"marker":"{{marker}}"}""");

        var first = await App.NextAsync("/answers", e => e.Json.GetProperty("data").GetProperty("marker").GetString() == marker);
        var dead = await App.NextAsync("/dead", e => e.Json.GetProperty("data").GetProperty("marker").GetString() == marker);
        // The dead-letter topic gets the original message: same event, same id.
        Assert.Equal(first.Id, dead.Id);
        Assert.Equal("answers", dead.Json.GetProperty("topic").GetString());
    }

    [Fact]
    public async Task Expired_event_is_not_delivered()
    {
        var marker = Guid.NewGuid().ToString();
        var expired = $$$"""{"id":"{{{marker}}}","specversion":"1.0","source":"test","type":"t","expiration":"2001-01-01T00:00:00Z","data":{}}""";

        await Sidecar.PublishOkAsync("pubsub", "orders", expired, "application/cloudevents+json");
        await Sidecar.PublishOkAsync("pubsub", "orders", $$"""{"after":"{{marker}}"}""");

        await App.NextAsync("/orders", e => e.Json.GetProperty("data").TryGetProperty("after", out var after) && after.GetString() == marker);
        Assert.DoesNotContain(App.All, e => e.Path == "/orders" && e.Id == marker);
    }

    [Fact]
    public async Task Topic_with_slashes_is_published_and_delivered()
    {
        await Sidecar.PublishOkAsync("pubsub", "nested/topic/name", "\"hello\"");

        var ce = (await App.NextAsync("/nested")).Json;
        Assert.Equal("nested/topic/name", ce.GetProperty("topic").GetString());
        Assert.Equal("hello", ce.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Declarative_subscription_is_delivered_and_the_apps_own_replaces_another()
    {
        await Sidecar.PublishOkAsync("pubsub", "declared", """{"d":1}""");
        await Sidecar.PublishOkAsync("pubsub", "both", """{"b":1}""");

        Assert.Equal(1, (await App.NextAsync("/declared")).Json.GetProperty("data").GetProperty("d").GetInt32());
        Assert.Equal(1, (await App.NextAsync("/programmatic-both")).Json.GetProperty("data").GetProperty("b").GetInt32());
        Assert.DoesNotContain(App.All, e => e.Path == "/declared-both");
    }

    [Fact]
    public async Task Incoming_traceparent_continues_into_the_event_and_the_delivery()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var response = await Sidecar.PublishAsync(
            "pubsub", "traced", "{}", headers: new Dictionary<string, string>
            {
                ["traceparent"] = $"00-{traceId}-00f067aa0ba902b7-01",
                ["tracestate"] = "vendor=value",
            });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);

        var e = await App.NextAsync("/traced");
        var ce = e.Json;
        Assert.StartsWith($"00-{traceId}-", ce.GetProperty("traceparent").GetString());
        Assert.Equal(ce.GetProperty("traceparent").GetString(), ce.GetProperty("traceid").GetString());
        Assert.Equal("vendor=value", ce.GetProperty("tracestate").GetString());
        Assert.StartsWith($"00-{traceId}-", e.Header("traceparent"));
        Assert.Equal("vendor=value", e.Header("tracestate"));
    }

    [Fact]
    public async Task Cloud_event_body_is_augmented_not_wrapped()
    {
        await Sidecar.PublishOkAsync(
            "pubsub", "ce", """{"id":"my-id","source":"my-source","type":"my.type","specversion":"1.0","data":{"x":1}}""", "application/cloudevents+json");

        var ce = (await App.NextAsync("/ce")).Json;
        Assert.Equal("my-id", ce.GetProperty("id").GetString());
        Assert.Equal("my-source", ce.GetProperty("source").GetString());
        Assert.Equal("my.type", ce.GetProperty("type").GetString());
        Assert.Equal(1, ce.GetProperty("data").GetProperty("x").GetInt32());
        Assert.Equal("ce", ce.GetProperty("topic").GetString());
        Assert.Equal("pubsub", ce.GetProperty("pubsubname").GetString());
        Assert.True(ce.TryGetProperty("traceparent", out _));
        Assert.True(ce.TryGetProperty("time", out _));
    }

    [Fact]
    public async Task Bulk_publish_delivers_every_entry_with_its_own_content_type()
    {
        using var response = await Sidecar.BulkPublishAsync("pubsub", "bulk", """
            [
              {"entryId":"1","event":{"n":1},"contentType":"application/json"},
              {"entryId":"2","event":"plain text","contentType":"text/plain"},
              {"entryId":"3","event":"AAEC","contentType":"application/octet-stream","metadata":{"cloudevent.type":"binary"}}
            ]
            """);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);

        var events = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            events.Add((await App.NextAsync("/bulk")).Json);
        }

        Assert.Contains(events, e => e.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object && d.GetProperty("n").GetInt32() == 1);
        Assert.Contains(events, e => e.GetProperty("datacontenttype").GetString() == "text/plain" && e.GetProperty("data").GetString() == "plain text");
        var binary = Assert.Single(events, e => e.GetProperty("type").GetString() == "binary");
        Assert.Equal("AAEC", binary.GetProperty("data_base64").GetString());
        // Each event of a bulk call is its own span.
        Assert.Equal(3, events.Select(e => e.GetProperty("traceparent").GetString()).Distinct().Count());
    }
}
