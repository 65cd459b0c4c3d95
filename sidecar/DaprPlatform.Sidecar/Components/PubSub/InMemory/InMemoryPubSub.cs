using System.Collections.Concurrent;
using System.Threading.Channels;

namespace DaprPlatform.Sidecar.Components.PubSub.InMemory;

/// <summary>
/// pubsub.in-memory: an in-process bus of this sidecar. Each subscription gets its own queue and one consumer loop;
/// a message whose handler throws is retried after a pause (the in-memory component has no broker to nack to), so
/// delivery stays at-least-once while the sidecar runs.
/// </summary>
public sealed partial class InMemoryPubSub(ILogger logger) : IPubSub
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery on topic {Topic} failed, retrying: {Error}")]
    private static partial void LogRetry(ILogger logger, string topic, string error);

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
                while (true)
                {
                    try
                    {
                        await handler(message, _stop.Token);
                        break;
                    }
                    catch (Exception e) when (!_stop.IsCancellationRequested)
                    {
                        LogRetry(owner._logger, message.Topic, e.Message);
                        await Task.Delay(RetryDelay, _stop.Token);
                    }
                }
            }
        }
    }

    private readonly ILogger _logger = logger;
}
