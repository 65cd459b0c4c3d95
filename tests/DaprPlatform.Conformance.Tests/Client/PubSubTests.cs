using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Conformance.Tests.Client;

/// <summary>
/// A subscriber ASP.NET Core app on Dapr.AspNetCore (UseCloudEvents, MapSubscribeHandler, [Topic] and WithTopic) behind a
/// real sidecar on pubsub.rabbitmq, and a publisher sidecar with a Dapr.Client. Topics are unique to this fixture, but
/// for the one a [Topic] attribute names (attribute arguments are constants; its queue is still this app's own).
/// </summary>
public sealed class PubSubAppsFixture(InfraFixture infra) : IAsyncLifetime
{
    public const string AttributeTopic = "conformance-attribute-orders";
    private const string Pubsub = ConformanceComponents.PubSub;
    private ResourcesDirectory? _resources;
    private int _flakyAttempts;

    public string Orders { get; } = infra.UniqueName("orders");
    public string Inventory { get; } = infra.UniqueName("inventory");
    public string Flaky { get; } = infra.UniqueName("flaky");
    public string Failing { get; } = infra.UniqueName("failing");
    public string Poison { get; } = infra.UniqueName("poison");
    public string PoisonDeadLetters { get; } = infra.UniqueName("poison-dlq");
    public string Raw { get; } = infra.UniqueName("raw");
    public string Bulk { get; } = infra.UniqueName("bulk");

    public const int Subscriptions = 9;

    public DeliveryLog Log { get; } = new();

    public DaprWebApp Subscriber { get; private set; } = null!;

    public SidecarProcess PublisherSidecar { get; private set; } = null!;

    public DaprClient Publisher { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _resources = ConformanceComponents.Create(infra);
        Subscriber = await DaprWebApp.StartAsync(infra.UniqueName("subscriber"), _resources.Path, MapSubscriber, Subscriptions);
        PublisherSidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions
        {
            AppId = infra.UniqueName("publisher"),
            ResourcesPaths = [_resources.Path],
        });
        Publisher = ConformanceComponents.ClientFor(PublisherSidecar);
    }

    private void MapSubscriber(WebApplication app)
    {
        app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true });
        app.MapSubscribeHandler();

        app.MapPost("/attributed", [Topic(Pubsub, AttributeTopic)] (Order order, HttpRequest request) =>
        {
            Log.Add("attributed", order, CloudEventHeaders.From(request));
            return TypedResults.Ok();
        });

        MapRecording(app, "orders", new TopicOptions { PubsubName = Pubsub, Name = Orders }, Success);
        MapRecording(app, "widgets", new TopicOptions { PubsubName = Pubsub, Name = Inventory, Match = "event.type == \"widget.restocked\"", Priority = 1 }, Success);
        MapRecording(app, "inventory", new TopicOptions { PubsubName = Pubsub, Name = Inventory }, Success);
        MapRecording(app, "flaky", new TopicOptions { PubsubName = Pubsub, Name = Flaky }, () => Interlocked.Increment(ref _flakyAttempts) < 3 ? Status("RETRY") : Success());
        MapRecording(app, "failing", new TopicOptions { PubsubName = Pubsub, Name = Failing }, () => throw new InvalidOperationException("the handler fails every time"));
        MapRecording(app, "poison", new TopicOptions { PubsubName = Pubsub, Name = Poison, DeadLetterTopic = PoisonDeadLetters }, () => Status("DROP"));
        MapRecording(app, "poison-dead-letters", new TopicOptions { PubsubName = Pubsub, Name = PoisonDeadLetters }, Success);
        MapRecording(app, "bulk", new TopicOptions { PubsubName = Pubsub, Name = Bulk }, Success);

        // daprd wraps a raw message in a CloudEvent whose data_base64 is the message and datacontenttype
        // application/octet-stream: the middleware hands the handler the bytes, which it reads itself.
        app.MapPost("/raw", async (HttpRequest request) =>
        {
            var order = await JsonSerializer.DeserializeAsync<Order>(request.Body, JsonSerializerOptions.Web);
            Log.Add("raw", order, CloudEventHeaders.From(request));
            return Success();
        }).WithTopic(new TopicOptions { PubsubName = Pubsub, Name = Raw, EnableRawPayload = true });
    }

    // An empty 2xx is SUCCESS to daprd; RETRY and DROP are said in the body.
    private static IResult Success() => TypedResults.Ok();

    private static IResult Status(string status) => TypedResults.Json(new { status });

    /// <summary>POST /<paramref name="endpoint"/> subscribed with <paramref name="topic"/>: logs each delivery, then answers <paramref name="outcome"/>.</summary>
    private void MapRecording(WebApplication app, string endpoint, TopicOptions topic, Func<IResult> outcome) =>
        app.MapPost($"/{endpoint}", (Order order, HttpRequest request) =>
        {
            Log.Add(endpoint, order, CloudEventHeaders.From(request));
            return outcome();
        }).WithTopic(topic);

    public async ValueTask DisposeAsync()
    {
        Publisher?.Dispose();
        if (PublisherSidecar is not null)
        {
            await PublisherSidecar.DisposeAsync();
        }

        if (Subscriber is not null)
        {
            await Subscriber.DisposeAsync();
        }

        _resources?.Dispose();
    }
}

/// <summary>
/// Dapr.Client publishing and Dapr.AspNetCore subscribers receiving real deliveries from the sidecar over a real RabbitMQ
/// broker: the CloudEvent unwrapped with its attributes, route rules, and what RETRY / DROP / exceptions make daprd do.
/// </summary>
public sealed class PubSubTests(PubSubAppsFixture fixture) : IClassFixture<PubSubAppsFixture>
{
    private const string Pubsub = ConformanceComponents.PubSub;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DeliveryLog Log => fixture.Log;

    private DaprClient Publisher => fixture.Publisher;

    private static Order DataOf(Delivery delivery) => delivery.Data.Deserialize<Order>(JsonSerializerOptions.Web)!;

    [Fact]
    public async Task A_published_event_reaches_the_with_topic_endpoint_unwrapped_with_daprds_cloud_event_attributes()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Orders, new Order("o-1", 2), Ct);

        var delivery = Assert.Single(await Log.WaitForAsync("orders"));
        Assert.Equal(new Order("o-1", 2), DataOf(delivery));
        var envelope = delivery.Envelope!;
        Assert.Equal(fixture.Orders, envelope.Topic);
        Assert.Equal(fixture.PublisherSidecar.AppId, envelope.Source);
        Assert.Equal("com.dapr.event.sent", envelope.Type);
        Assert.Equal("1.0", envelope.SpecVersion);
        Assert.False(string.IsNullOrEmpty(envelope.Id));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", envelope.TraceParent);
    }

    [Fact]
    public async Task A_match_rule_routes_by_the_cloud_event_type_and_the_default_route_takes_the_rest()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Inventory, new Order("widget", 1), new Dictionary<string, string> { ["cloudevent.type"] = "widget.restocked" }, Ct);
        await Publisher.PublishEventAsync(Pubsub, fixture.Inventory, new Order("gadget", 1), Ct);

        Assert.Equal(new Order("widget", 1), DataOf(Assert.Single(await Log.WaitForAsync("widgets"))));
        Assert.Equal(new Order("gadget", 1), DataOf(Assert.Single(await Log.WaitForAsync("inventory"))));
        await Log.AssertStaysAtAsync("widgets", 1);
        Assert.Single(Log.For("inventory"));
    }

    [Fact]
    public async Task A_RETRY_status_is_redelivered_by_the_inbound_policy_until_success()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Flaky, new Order("flaky", 1), Ct);

        await Log.WaitForAsync("flaky", 3);
        await Log.AssertStaysAtAsync("flaky", 3);
    }

    [Fact]
    public async Task A_throwing_handler_answers_RETRY_so_daprd_tries_1_plus_max_retries_times()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Failing, new Order("failing", 1), Ct);

        await Log.WaitForAsync("failing", 1 + ConformanceComponents.InboundRetries);
        await Log.AssertStaysAtAsync("failing", 1 + ConformanceComponents.InboundRetries);
    }

    [Fact]
    public async Task A_DROP_status_sends_the_event_to_the_dead_letter_topic_once()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Poison, new Order("poison", 1), Ct);

        var dead = Assert.Single(await Log.WaitForAsync("poison-dead-letters"));
        Assert.Equal(new Order("poison", 1), DataOf(dead));
        // The dead letter is the original event, republished: its topic attribute still names the original topic.
        Assert.Equal(fixture.Poison, dead.Envelope!.Topic);
        await Log.AssertStaysAtAsync("poison", 1);
        Assert.Single(Log.For("poison-dead-letters"));
    }

    [Fact]
    public async Task Bulk_publish_delivers_every_entry()
    {
        var orders = new[] { new Order("bulk-1", 1), new Order("bulk-2", 2), new Order("bulk-3", 3) };

        var response = await Publisher.BulkPublishEventAsync(Pubsub, fixture.Bulk, orders, cancellationToken: Ct);

        Assert.Empty(response.FailedEntries);
        var received = await Log.WaitForAsync("bulk", orders.Length);
        Assert.Equal(orders.OrderBy(o => o.Id), received.Select(DataOf).OrderBy(o => o.Id));
        await Log.AssertStaysAtAsync("bulk", orders.Length);
    }

    [Fact]
    public async Task A_raw_payload_reaches_a_raw_payload_subscription_as_the_published_bytes()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Raw, new Order("raw-1", 4), new Dictionary<string, string> { ["rawPayload"] = "true" }, Ct);

        var delivery = Assert.Single(await Log.WaitForAsync("raw"));
        Assert.Equal(new Order("raw-1", 4), DataOf(delivery));
        Assert.Equal(fixture.Raw, delivery.Envelope!.Topic);
    }

    [Fact]
    public async Task A_published_event_reaches_the_topic_attribute_endpoint()
    {
        await Publisher.PublishEventAsync(Pubsub, PubSubAppsFixture.AttributeTopic, new Order("attributed-1", 5), Ct);

        var delivery = Assert.Single(await Log.WaitForAsync("attributed"));
        Assert.Equal(new Order("attributed-1", 5), DataOf(delivery));
        Assert.Equal(PubSubAppsFixture.AttributeTopic, delivery.Envelope!.Topic);
    }

    [Fact]
    public async Task The_sidecar_lists_what_map_subscribe_handler_declared()
    {
        var metadata = await fixture.Subscriber.GetSidecarMetadataAsync();

        var subscriptions = metadata.GetProperty("subscriptions").EnumerateArray().ToList();
        var inventory = Assert.Single(subscriptions, s => s.GetProperty("topic").GetString() == fixture.Inventory);
        Assert.Equal(Pubsub, inventory.GetProperty("pubsubname").GetString());
        Assert.Equal("event.type == \"widget.restocked\"", inventory.GetProperty("rules")[0].GetProperty("match").GetString());
        var poison = Assert.Single(subscriptions, s => s.GetProperty("topic").GetString() == fixture.Poison);
        Assert.Equal(fixture.PoisonDeadLetters, poison.GetProperty("deadLetterTopic").GetString());
        Assert.Single(subscriptions, s => s.GetProperty("topic").GetString() == PubSubAppsFixture.AttributeTopic);
    }
}
