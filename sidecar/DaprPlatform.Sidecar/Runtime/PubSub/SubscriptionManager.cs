using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// Starts the app's subscriptions once components are loaded and the app's port is open (daprd's subscriber
/// processor): asks the app for its programmatic subscriptions, merges them with the declarative ones, drops those
/// naming an unknown pub/sub or a topic this app may not subscribe to, reports the rest in /v1.0/metadata and
/// subscribes on the components. A subscription the component refuses is retried with backoff until it succeeds.
/// Bulk subscriptions go through <see cref="BulkMessageBatcher"/> (daprd's default bulk subscriber: none of our
/// components subscribes in bulk natively). On shutdown every subscription stops before the components close;
/// in-flight messages are left unacknowledged.
/// </summary>
public sealed partial class SubscriptionManager(
    StartupComponents components,
    LoadedResources resources,
    AppReadinessService readiness,
    AppChannel channel,
    ProgrammaticSubscriptionClient programmatic,
    AppEventPoster poster,
    BulkEventPoster bulkPoster,
    PubSubPublisher publisher,
    SidecarMetrics metrics,
    IResiliencyProvider resiliency,
    RuntimeMetadata runtime,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan InitialRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

    private readonly ILogger _logger = loggers.CreateLogger("dapr.runtime.processor.subscriber");
    private readonly ILogger _deliveryLogger = loggers.CreateLogger("dapr.runtime.processor.subscription");
    private readonly List<IAsyncDisposable> _active = [];
    private readonly List<BulkMessageBatcher> _batchers = [];
    private readonly Lock _gate = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readiness.AppReady.WaitAsync(stoppingToken);
        var registry = components.Registry;
        if (registry.PubSubs.Count == 0)
        {
            return;
        }

        if (!channel.HasApp)
        {
            LogNoAppChannel(_logger);
            return;
        }

        var declarative = new List<AppSubscription>();
        foreach (var resource in resources.Subscriptions)
        {
            try
            {
                declarative.Add(SubscriptionSet.FromResource(resource));
            }
            catch (FormatException e)
            {
                LogInvalidSubscription(_logger, resource.SourceFile, e.Message);
            }
        }

        IReadOnlyList<AppSubscription> fromApp;
        try
        {
            fromApp = await programmatic.GetAsync(stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogProgrammaticFailed(_logger, e.Message);
            fromApp = [];
        }

        foreach (var group in fromApp.GroupBy(s => s.PubsubName))
        {
            LogAppTopics(_logger, string.Join(", ", group.Select(s => s.Topic)), group.Key);
        }

        var accepted = new List<(AppSubscription Subscription, IPubSub PubSub)>();
        foreach (var subscription in SubscriptionSet.Merge(declarative, fromApp))
        {
            if (!registry.PubSubs.TryGetValue(subscription.PubsubName, out var entry))
            {
                LogUnknownPubSub(_logger, subscription.PubsubName, subscription.Topic);
                continue;
            }

            if (string.IsNullOrEmpty(subscription.Topic))
            {
                LogEmptyTopic(_logger, subscription.PubsubName);
                continue;
            }

            if (!entry.Scoping.CanSubscribe(subscription.Topic))
            {
                LogNotAllowed(_logger, subscription.Topic, subscription.PubsubName);
                continue;
            }

            accepted.Add((subscription, entry.PubSub));
        }

        // The first attempts run together; /v1.0/metadata lists the subscriptions once each has been tried, so a
        // caller that sees them there can publish and expect delivery.
        var handlers = accepted.Select(a => (a.PubSub, Handler: NewHandler(a.Subscription))).ToList();
        var started = await Task.WhenAll(handlers.Select(h => TrySubscribeAsync(h.PubSub, h.Handler, stoppingToken)));
        runtime.SetSubscriptions(accepted.Select(a => a.Subscription.ToInfo()).ToList());
        var retries = handlers.Where((_, i) => !started[i]).Select(h => RetryUntilSubscribedAsync(h.PubSub, h.Handler, stoppingToken));
        await Task.WhenAll(retries);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        List<IAsyncDisposable> active;
        lock (_gate)
        {
            // The component subscriptions stop first, so no message joins a batch once its batcher is stopping.
            active = [.. _active, .. _batchers];
            _active.Clear();
            _batchers.Clear();
        }

        foreach (var handle in active)
        {
            try
            {
                await handle.DisposeAsync();
            }
            catch (Exception e)
            {
                LogStopFailed(_logger, e.Message);
            }
        }
    }

    private SubscriptionWorker NewHandler(AppSubscription subscription)
    {
        if (subscription.BulkSubscribe is not { Enabled: true } bulk)
        {
            var handler = new SubscriptionDeliveryHandler(subscription, poster, publisher, metrics, resiliency, resources.Configuration, time, _deliveryLogger);
            return new SubscriptionWorker(subscription, handler.HandleAsync);
        }

        var delivery = new BulkSubscriptionDeliveryHandler(subscription, bulkPoster, publisher, resiliency, time, _deliveryLogger);
        var batcher = new BulkMessageBatcher(bulk, delivery.DeliverAsync, time);
        lock (_gate)
        {
            _batchers.Add(batcher);
        }

        LogBulkSubscription(_logger, subscription.Topic, subscription.PubsubName, batcher.MaxMessagesCount, (int)batcher.MaxAwait.TotalMilliseconds);
        return new SubscriptionWorker(subscription, batcher.HandleAsync);
    }

    /// <summary>One subscribe attempt; false when the component refused (logged), to be retried.</summary>
    private async Task<bool> TrySubscribeAsync(IPubSub pubsub, SubscriptionWorker handler, CancellationToken stoppingToken)
    {
        var subscription = handler.Subscription;
        try
        {
            var handle = await pubsub.SubscribeAsync(new SubscribeRequest(subscription.Topic, subscription.Metadata), handler.Handler, stoppingToken);
            lock (_gate)
            {
                if (!stoppingToken.IsCancellationRequested)
                {
                    _active.Add(handle);
                    LogSubscribed(_logger, subscription.PubsubName, subscription.Topic, subscription.Type);
                    return true;
                }
            }

            await handle.DisposeAsync();
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception e)
        {
            LogSubscribeFailed(_logger, subscription.PubsubName, subscription.Topic, e.Message);
            return false;
        }
    }

    // daprd's retrySubscription: exponential backoff (from 500 ms, x1.5, jittered, at most 60 s), without end.
    private async Task RetryUntilSubscribedAsync(IPubSub pubsub, SubscriptionWorker handler, CancellationToken stoppingToken)
    {
        var delay = InitialRetryDelay;
        do
        {
            try
            {
                await Task.Delay(delay * (0.5 + Random.Shared.NextDouble()), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min((long)(delay.Ticks * 1.5), MaxRetryDelay.Ticks));
        }
        while (!await TrySubscribeAsync(pubsub, handler, stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "app channel not initialized, make sure -app-port is specified if pubsub subscription is required")]
    private static partial void LogNoAppChannel(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "{File}: subscription skipped: {Error}")]
    private static partial void LogInvalidSubscription(ILogger logger, string file, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "error getting topics from app: {Error}")]
    private static partial void LogProgrammaticFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "app is subscribed to the following topics: [{Topics}] through pubsub={Pubsub}")]
    private static partial void LogAppTopics(ILogger logger, string topics, string pubsub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "subscription to topic {Topic} skipped: pubsub {Pubsub} is not loaded")]
    private static partial void LogUnknownPubSub(ILogger logger, string pubsub, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "subscription on pubsub {Pubsub} skipped: its topic is empty")]
    private static partial void LogEmptyTopic(ILogger logger, string pubsub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "subscription to topic '{Topic}' on pubsub '{Pubsub}' is not allowed")]
    private static partial void LogNotAllowed(ILogger logger, string topic, string pubsub);

    [LoggerMessage(Level = LogLevel.Information, Message = "bulk subscription to topic {Topic} on pubsub {Pubsub}: batches of up to {MaxMessagesCount} messages or {MaxAwaitDurationMs} ms")]
    private static partial void LogBulkSubscription(ILogger logger, string topic, string pubsub, int maxMessagesCount, int maxAwaitDurationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "subscribed to topic {Topic} on pubsub {Pubsub} ({Type})")]
    private static partial void LogSubscribed(ILogger logger, string pubsub, string topic, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Failed to start subscription for pubsub {Pubsub}, topic {Topic}: {Error}. Will retry.")]
    private static partial void LogSubscribeFailed(ILogger logger, string pubsub, string topic, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "error stopping a subscription: {Error}")]
    private static partial void LogStopFailed(ILogger logger, string error);
}

/// <summary>A subscription and the component handler that delivers its messages (one by one, or in batches).</summary>
internal sealed record SubscriptionWorker(AppSubscription Subscription, PubSubHandler Handler);
