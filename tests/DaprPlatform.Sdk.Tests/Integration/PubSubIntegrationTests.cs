using DaprPlatform.Dapr.AspNetCore;
using DaprPlatform.Sdk.Tests.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Sdk.Tests.Integration;

/// <summary>
/// A subscriber ASP.NET Core app on the SDK (UseCloudEvents, MapSubscribeHandler, WithTopic) behind a real sidecar on
/// pubsub.rabbitmq, and a publisher sidecar with an SDK client. Topics are unique to this fixture.
/// </summary>
public sealed class PubSubAppsFixture(InfraFixture infra) : IAsyncLifetime
{
    private const string Pubsub = IntegrationComponents.PubSub;
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

    public const int Subscriptions = 8;

    public DeliveryLog Log { get; } = new();

    public DaprWebApp Subscriber { get; private set; } = null!;

    public SidecarProcess PublisherSidecar { get; private set; } = null!;

    public DaprClient Publisher { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _resources = IntegrationComponents.Create(infra);
        Subscriber = await DaprWebApp.StartAsync(infra.UniqueName("sdk-subscriber"), _resources.Path, MapSubscriber, Subscriptions);
        PublisherSidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions
        {
            AppId = infra.UniqueName("sdk-publisher"),
            ResourcesPaths = [_resources.Path],
        });
        Publisher = IntegrationComponents.ClientFor(PublisherSidecar);
    }

    private void MapSubscriber(WebApplication app)
    {
        app.UseCloudEvents();
        app.MapSubscribeHandler();

        var success = TopicResults.Success;
        MapRecording(app, "orders", Orders, success);
        MapRecording(app, "widgets", Inventory, success, match: "event.type == \"widget.restocked\"", priority: 1);
        MapRecording(app, "inventory", Inventory, success);
        MapRecording(app, "flaky", Flaky, () => Interlocked.Increment(ref _flakyAttempts) < 3 ? TopicResults.Retry() : TopicResults.Success());
        MapRecording(app, "failing", Failing, () => throw new InvalidOperationException("the handler fails every time"));
        MapRecording(app, "poison", Poison, TopicResults.Drop, deadLetterTopic: PoisonDeadLetters);
        MapRecording(app, "poison-dead-letters", PoisonDeadLetters, success);
        MapRecording(app, "bulk", Bulk, success);
        MapRecording(app, "raw", Raw, success, metadata: new Dictionary<string, string> { ["rawPayload"] = "true" });
    }

    /// <summary>POST /<paramref name="endpoint"/> subscribed to <paramref name="topic"/>: logs each delivery, then answers <paramref name="outcome"/>.</summary>
    private void MapRecording(
        WebApplication app,
        string endpoint,
        string topic,
        Func<IResult> outcome,
        string? deadLetterTopic = null,
        string? match = null,
        int priority = 0,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        app.MapPost($"/{endpoint}", (Order order, CloudEventEnvelope envelope) =>
        {
            Log.Add(endpoint, order, envelope);
            return outcome();
        }).WithTopic(Pubsub, topic, deadLetterTopic, match, priority, metadata);

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
/// DaprClient publishing and the ASP.NET Core subscriber integration receiving real deliveries from the sidecar over a
/// real RabbitMQ broker: envelope, route rules, and what RETRY / DROP / exceptions make daprd do.
/// </summary>
public sealed class PubSubIntegrationTests(PubSubAppsFixture fixture) : IClassFixture<PubSubAppsFixture>
{
    private const string Pubsub = IntegrationComponents.PubSub;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DeliveryLog Log => fixture.Log;

    private DaprClient Publisher => fixture.Publisher;

    private static Order DataOf(Delivery delivery) => delivery.Data.Deserialize<Order>(JsonSerializerOptions.Web)!;

    [Fact]
    public async Task A_published_event_reaches_the_WithTopic_endpoint_with_daprds_envelope()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Orders, new Order("o-1", 2), Ct);

        var delivery = Assert.Single(await Log.WaitForAsync("orders"));
        Assert.Equal(new Order("o-1", 2), DataOf(delivery));
        var envelope = delivery.Envelope!;
        Assert.Equal(fixture.Orders, envelope.Topic);
        Assert.Equal(Pubsub, envelope.PubsubName);
        Assert.Equal(fixture.PublisherSidecar.AppId, envelope.Source);
        Assert.Equal("com.dapr.event.sent", envelope.Type);
        Assert.Equal("1.0", envelope.SpecVersion);
        Assert.Equal("application/json", envelope.DataContentType);
        Assert.False(string.IsNullOrEmpty(envelope.Id));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", envelope.TraceParent);
    }

    [Fact]
    public async Task A_match_rule_routes_by_the_CloudEvent_type_and_the_default_route_takes_the_rest()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Inventory, new Order("widget", 1), new PublishEventOptions { CloudEventType = "widget.restocked" }, Ct);
        await Publisher.PublishEventAsync(Pubsub, fixture.Inventory, new Order("gadget", 1), Ct);

        Assert.Equal(new Order("widget", 1), DataOf(Assert.Single(await Log.WaitForAsync("widgets"))));
        Assert.Equal(new Order("gadget", 1), DataOf(Assert.Single(await Log.WaitForAsync("inventory"))));
        await Log.AssertStaysAtAsync("widgets", 1);
        Assert.Single(Log.For("inventory"));
    }

    [Fact]
    public async Task TopicResults_Retry_is_redelivered_by_the_inbound_policy_until_Success()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Flaky, new Order("flaky", 1), Ct);

        await Log.WaitForAsync("flaky", 3);
        await Log.AssertStaysAtAsync("flaky", 3);
    }

    [Fact]
    public async Task A_throwing_handler_answers_RETRY_so_daprd_tries_1_plus_maxRetries_times()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Failing, new Order("failing", 1), Ct);

        await Log.WaitForAsync("failing", 1 + IntegrationComponents.InboundRetries);
        await Log.AssertStaysAtAsync("failing", 1 + IntegrationComponents.InboundRetries);
    }

    [Fact]
    public async Task TopicResults_Drop_sends_the_event_to_the_dead_letter_topic_once()
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
    public async Task BulkPublish_delivers_every_entry()
    {
        var orders = new[] { new Order("bulk-1", 1), new Order("bulk-2", 2), new Order("bulk-3", 3) };

        var response = await Publisher.BulkPublishEventAsync(Pubsub, fixture.Bulk, orders, cancellationToken: Ct);

        Assert.Empty(response.FailedEntries);
        var received = await Log.WaitForAsync("bulk", orders.Length);
        Assert.Equal(orders.OrderBy(o => o.Id), received.Select(DataOf).OrderBy(o => o.Id));
        await Log.AssertStaysAtAsync("bulk", orders.Length);
    }

    [Fact]
    public async Task A_raw_payload_reaches_a_rawPayload_subscription_and_binds_as_JSON()
    {
        await Publisher.PublishEventAsync(Pubsub, fixture.Raw, new Order("raw-1", 4), new PublishEventOptions { RawPayload = true }, Ct);

        var delivery = Assert.Single(await Log.WaitForAsync("raw"));
        Assert.Equal(new Order("raw-1", 4), DataOf(delivery));
        Assert.Equal(fixture.Raw, delivery.Envelope!.Topic);
    }

    [Fact]
    public async Task The_sidecar_lists_what_MapSubscribeHandler_declared()
    {
        var metadata = await fixture.Subscriber.Client.GetMetadataAsync(Ct);

        var inventory = Assert.Single(metadata.Subscriptions, s => s.Topic == fixture.Inventory);
        Assert.Equal(Pubsub, inventory.PubSubName);
        Assert.Equal("event.type == \"widget.restocked\"", inventory.Rules?[0].Match);
        var poison = Assert.Single(metadata.Subscriptions, s => s.Topic == fixture.Poison);
        Assert.Equal(fixture.PoisonDeadLetters, poison.DeadLetterTopic);
    }
}
