using System.Collections.Concurrent;
using System.Threading.Channels;

namespace DaprPlatform.Sidecar.Components.PubSub.InMemory;

/// <summary>
/// pubsub.in-memory: an in-process bus of this sidecar. Each subscription gets its own queue and one consumer loop
/// that hands messages over one at a time. It has no broker to give a failed message back to, so, like daprd's
/// component, it tries a message whose handler fails up to <see cref="Attempts"/> times, 100 ms apart, then drops it.
/// </summary>
public sealed partial class InMemoryPubSub(ILogger logger) : IPubSub
{
    /// <summary>How often a message is handed over before it is dropped (daprd's in-memory component: 10).</summary>
    public const int Attempts = 10;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    public PubSubFeatures Features => PubSubFeatures.SubscribeWildcards;

    public Task PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            if (subscription.Matches(request.Topic))
            {
                subscription.Queue.Writer.TryWrite(new PubSubMessage(request.Topic, request.Data.ToArray(), request.ContentType, request.Metadata));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> SubscribeAsync(SubscribeRequest request, PubSubHandler handler, CancellationToken cancellationToken)
    {
        var subscription = new Subscription(this, request.Topic, handler);
        _subscriptions[subscription] = 0;
        subscription.Start();
        return Task.FromResult<IAsyncDisposable>(subscription);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var subscription in _subscriptions.Keys)
        {
            await subscription.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery on topic {Topic} failed (attempt {Attempt} of {Attempts}): {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string topic, int attempt, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery on topic {Topic} failed {Attempts} times; the message is dropped")]
    private static partial void LogDropped(ILogger logger, string topic, int attempts);

    private sealed class Subscription(InMemoryPubSub owner, string topic, PubSubHandler handler) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public Channel<PubSubMessage> Queue { get; } = Channel.CreateUnbounded<PubSubMessage>(new UnboundedChannelOptions { SingleReader = true });

        // Wildcards as the in-memory component supports them: "orders/*" matches one level, "orders/#" any depth.
        public bool Matches(string published) => topic == published
            || (topic.EndsWith("/#", StringComparison.Ordinal) && published.StartsWith(topic[..^1], StringComparison.Ordinal))
            || (topic.EndsWith("/*", StringComparison.Ordinal) && published.StartsWith(topic[..^1], StringComparison.Ordinal)
                && !published.AsSpan(topic.Length - 1).Contains('/'));

        public void Start() => _loop = Task.Run(RunAsync);

        public async ValueTask DisposeAsync()
        {
            owner._subscriptions.TryRemove(this, out _);
            Queue.Writer.TryComplete();
            await _stop.CancelAsync();
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }

            _stop.Dispose();
        }

        private async Task RunAsync()
        {
            await foreach (var message in Queue.Reader.ReadAllAsync(_stop.Token))
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await handler(message, _stop.Token);
                        break;
                    }
                    catch (Exception e) when (!_stop.IsCancellationRequested)
                    {
                        LogAttemptFailed(owner._logger, message.Topic, attempt, Attempts, e.Message);
                        if (attempt == Attempts)
                        {
                            LogDropped(owner._logger, message.Topic, Attempts);
                            break;
                        }

                        await Task.Delay(RetryDelay, _stop.Token);
                    }
                }
            }
        }
    }

    private readonly ILogger _logger = logger;
}
