using System.Text;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Components.PubSub.InMemory;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.PubSub;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using DaprPlatform.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>
/// The delivery pipeline of one subscription against a real app over HTTP: the inbound resiliency policy around
/// retriable answers, and what happens once it gives up (dead-letter topic and ack, or throw so the broker nacks).
/// </summary>
public sealed class SubscriptionDeliveryHandlerTests : IAsyncLifetime
{
    private const string PubsubName = "pubsub";
    private readonly InMemoryPubSub _bus = new(NullLogger.Instance);
    private SubscriberApp _app = null!;
    private AppChannel _channel = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await SubscriberApp.StartAsync("[]");
        _channel = new AppChannel(new SidecarOptions { AppId = "handler-tests", AppPort = _app.Port });
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.DisposeAsync();
        await _bus.DisposeAsync();
    }

    [Fact]
    public async Task Retriable_answers_are_retried_by_the_inbound_policy_until_the_app_succeeds()
    {
        var answers = new Queue<AppAnswer>([AppAnswer.Retry, new AppAnswer(500), AppAnswer.Success]);
        _app.Decide = _ => answers.Dequeue();
        var resiliency = new RetryingResiliency(attempts: 3);

        await Handler(resiliency).HandleAsync(Message(), Ct);

        Assert.Equal(3, _app.All.Count);
        Assert.Equal([PubsubName], resiliency.InboundTargets.Distinct());
    }

    [Fact]
    public async Task Every_delivery_attempt_is_counted_as_daprd_counts_pubsub_ingress_with_the_apps_answer()
    {
        var answers = new Queue<AppAnswer>([AppAnswer.Retry, AppAnswer.Success]);
        _app.Decide = _ => answers.Dequeue();
        var metrics = new SidecarMetrics(new SidecarOptions { AppId = "handler-tests" }, ConfigurationResource.Default);

        await Handler(new RetryingResiliency(attempts: 2), metrics: metrics).HandleAsync(Message(), Ct);

        var text = metrics.RenderPrometheus();
        Assert.Contains("dapr_component_pubsub_ingress_count{", text);
        Assert.Single(text.Split('\n'), line => line.StartsWith("dapr_component_pubsub_ingress_count{", StringComparison.Ordinal)
            && line.Contains("status=\"retry\"", StringComparison.Ordinal) && line.Contains("topic=\"orders\"", StringComparison.Ordinal) && line.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Single(text.Split('\n'), line => line.StartsWith("dapr_component_pubsub_ingress_count{", StringComparison.Ordinal)
            && line.Contains("status=\"success\"", StringComparison.Ordinal) && line.EndsWith(" 1", StringComparison.Ordinal));
        Assert.Contains("dapr_component_pubsub_ingress_latencies_bucket{", text);
    }

    [Fact]
    public async Task Policy_giving_up_with_a_dead_letter_topic_publishes_the_original_there_and_acknowledges()
    {
        _app.Decide = _ => AppAnswer.Retry;
        var dead = await CaptureAsync("poison");
        var message = Message();

        await Handler(new RetryingResiliency(attempts: 2), deadLetterTopic: "poison").HandleAsync(message, Ct);

        var forwarded = await dead.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(message.Data.ToArray(), forwarded.Data.ToArray());
        Assert.Equal(PubsubName, forwarded.Metadata["pubsubName"]);
        Assert.Equal(2, _app.All.Count);
    }

    [Fact]
    public async Task Policy_giving_up_without_a_dead_letter_topic_throws_with_the_apps_status()
    {
        _app.Decide = _ => new AppAnswer(503, "busy");

        var error = await Assert.ThrowsAsync<PubSubAppStatusException>(() => Handler(new RetryingResiliency(attempts: 2)).HandleAsync(Message(), Ct));

        // The status is what a retry policy's matching.httpStatusCodes is checked against.
        Assert.Equal(503, ((IStatusCodeFailure)error).StatusCode);
        Assert.Equal(2, _app.All.Count);
    }

    [Fact]
    public async Task Unreachable_app_is_retriable()
    {
        using var deadChannel = new AppChannel(new SidecarOptions { AppId = "handler-tests", AppPort = FreePort.Get() });
        var handler = Handler(new RetryingResiliency(attempts: 2), channel: deadChannel);

        var error = await Assert.ThrowsAsync<PubSubDeliveryException>(() => handler.HandleAsync(Message(), Ct));

        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task Drop_without_a_dead_letter_topic_is_acknowledged_without_retry()
    {
        _app.Decide = _ => AppAnswer.Drop;

        await Handler(new RetryingResiliency(attempts: 3)).HandleAsync(Message(), Ct);

        Assert.Single(_app.All);
    }

    [Fact]
    public async Task Drop_whose_dead_letter_publish_fails_is_not_acknowledged()
    {
        _app.Decide = _ => AppAnswer.Drop;
        // Scoping forbids this app to publish to the dead-letter topic, so forwarding fails.
        var handler = Handler(new RetryingResiliency(attempts: 1), deadLetterTopic: "forbidden", publishingScopes: "handler-tests=orders");

        await Assert.ThrowsAsync<PubSubMessageDroppedException>(() => handler.HandleAsync(Message(), Ct));
    }

    [Fact]
    public async Task Payload_that_is_no_cloud_event_goes_to_the_dead_letter_topic_without_reaching_the_app()
    {
        var dead = await CaptureAsync("poison");
        var notJson = new PubSubMessage("orders", Encoding.UTF8.GetBytes("not json"), null, new Dictionary<string, string>());

        await Handler(new RetryingResiliency(attempts: 1), deadLetterTopic: "poison").HandleAsync(notJson, Ct);
        await Assert.ThrowsAsync<PubSubDeliveryException>(() => Handler(new RetryingResiliency(attempts: 1)).HandleAsync(notJson, Ct));

        Assert.Equal("not json", Encoding.UTF8.GetString((await dead.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Data.Span));
        Assert.Empty(_app.All);
    }

    [Fact]
    public async Task Stopping_while_the_app_has_not_answered_neither_dead_letters_nor_completes()
    {
        _app.Decide = _ => null;
        var dead = await CaptureAsync("poison");
        using var stopping = new CancellationTokenSource();
        var handling = Handler(new RetryingResiliency(attempts: 1), deadLetterTopic: "poison").HandleAsync(Message(), stopping.Token);
        await _app.NextAsync("/orders");

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => handling);
        await Task.Delay(200, Ct);
        Assert.False(dead.IsCompleted);
    }

    private SubscriptionDeliveryHandler Handler(
        IResiliencyProvider resiliency, string? deadLetterTopic = null, AppChannel? channel = null, string? publishingScopes = null, SidecarMetrics? metrics = null)
    {
        var metadata = publishingScopes is null ? [] : new List<MetadataItem> { new("publishingScopes", publishingScopes, null, null) };
        var resource = new ComponentResource(PubsubName, null, "pubsub.in-memory", "v1", TimeSpan.Zero, false, metadata, null, [], "pubsub.yaml");
        var options = new SidecarOptions { AppId = "handler-tests" };
        metrics ??= new SidecarMetrics(options, ConfigurationResource.Default);
        var registry = new ComponentRegistry(
            new Dictionary<string, StateStoreEntry>(),
            new Dictionary<string, PubSubEntry> { [PubsubName] = new(PubsubName, _bus, resource, PubSubScoping.From(resource, options.AppId)) },
            new Dictionary<string, SecretStoreEntry>(),
            [resource]);
        var subscription = new AppSubscription(
            PubsubName, "orders", [new SubscriptionRule(null, "/orders")], deadLetterTopic, new Dictionary<string, string>(), null, SubscriptionTypes.Programmatic);
        return new SubscriptionDeliveryHandler(
            subscription,
            new AppEventPoster(channel ?? _channel),
            new PubSubPublisher(new StartupComponents { Registry = registry }, NoResiliency.Instance, metrics, options),
            metrics,
            resiliency,
            ConfigurationResource.Default,
            TimeProvider.System,
            NullLogger.Instance);
    }

    private static PubSubMessage Message() => new(
        "orders",
        Encoding.UTF8.GetBytes($$$"""{"id":"{{{Guid.NewGuid()}}}","specversion":"1.0","source":"s","type":"t","data":{"n":1}}"""),
        null,
        new Dictionary<string, string>());

    private async Task<Task<PubSubMessage>> CaptureAsync(string topic)
    {
        var captured = new TaskCompletionSource<PubSubMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _bus.SubscribeAsync(new SubscribeRequest(topic, new Dictionary<string, string>()), (m, _) =>
        {
            captured.TrySetResult(m);
            return Task.CompletedTask;
        }, Ct);
        return captured.Task;
    }

    /// <summary>A retry policy of a fixed number of attempts, recording which targets asked for it.</summary>
    private sealed class RetryingResiliency(int attempts) : IResiliencyProvider, IResiliencyPolicy
    {
        public List<string> InboundTargets { get; } = [];

        public IResiliencyPolicy ComponentOutbound(string componentName) => NoResiliency.Instance;

        public IResiliencyPolicy ComponentInbound(string componentName)
        {
            InboundTargets.Add(componentName);
            return this;
        }

        public IResiliencyPolicy App(string appId) => NoResiliency.Instance;

        public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await operation(cancellationToken);
                }
                catch (Exception e) when (attempt < attempts && e is not IPermanentFailure && !cancellationToken.IsCancellationRequested)
                {
                }
            }
        }
    }
}
