using System.Collections.Concurrent;
using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace DaprPlatform.Sidecar.Components.PubSub.RabbitMQ;

/// <summary>
/// <c>pubsub.rabbitmq</c>, laid out on the broker exactly as components-contrib lays it out, so apps on this sidecar
/// and on daprd share exchanges and queues: one exchange per topic (named as the topic), one queue per consumer
/// group (<c>{consumerID}-{topic}</c>) bound to it, <c>dlx-</c>/<c>dlq-</c> pairs for broker dead-lettering.
/// One connection per component; publishes go over a small pool of channels, each subscription consumes on a channel
/// of its own. A lost connection is re-established after <c>reconnectWaitSeconds</c> and subscriptions resume.
/// </summary>
public sealed partial class RabbitMqPubSub : IPubSub
{
    private const int PublishAttempts = 3;
    private const int MaxIdlePublishChannels = 16;
    private static readonly TimeSpan PublishRetryWait = TimeSpan.FromSeconds(2);

    private readonly ConnectionFactory _factory;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> _declaredExchanges = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<IChannel> _idlePublishChannels = [];
    private readonly ConcurrentDictionary<RabbitMqSubscription, byte> _subscriptions = new();
    private IConnection? _connection;
    private volatile bool _closed;

    private RabbitMqPubSub(RabbitMqMetadata metadata, ILogger logger)
    {
        Metadata = metadata;
        Logger = logger;
        _factory = new ConnectionFactory
        {
            Uri = metadata.ConnectionUri,
            // Recovery is ours (as in the real component): reconnect after reconnectWait and declare everything again.
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedHeartbeat = metadata.HeartBeat,
            ClientProvidedName = metadata.ClientName,
        };
        if (metadata.Protocol == "amqps")
        {
            _factory.Ssl = new SslOption { Enabled = true, ServerName = metadata.ConnectionUri.Host };
        }
    }

    public RabbitMqMetadata Metadata { get; }

    internal ILogger Logger { get; }

    internal bool IsClosed => _closed;

    /// <summary>The broker expires messages (AMQP <c>expiration</c>), so the runtime adds no CloudEvent expiration.</summary>
    public PubSubFeatures Features => PubSubFeatures.MessageTtl;

    /// <summary>Parses the metadata and connects; an unreachable broker fails the component's initialisation.</summary>
    public static async Task<IAsyncDisposable> CreateAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        var metadata = RabbitMqMetadata.Parse(context.Metadata, context.Options.AppId);
        var pubsub = new RabbitMqPubSub(metadata, context.CreateLogger("rabbitmq"));
        try
        {
            await pubsub.GetConnectionAsync(cancellationToken);
        }
        catch
        {
            await pubsub.DisposeAsync();
            throw;
        }

        return pubsub;
    }

    public async Task PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var properties = BuildProperties(request.Metadata);
        var routingKey = request.Metadata.TryGetValue("routingKey", out var key) ? key : "";
        for (var attempt = 1; ; attempt++)
        {
            IChannel? channel = null;
            try
            {
                channel = await RentPublishChannelAsync(cancellationToken);
                await EnsureExchangeAsync(channel, request.Topic, Metadata.ExchangeKind, Metadata.Durable, cancellationToken);
                await channel.BasicPublishAsync(request.Topic, routingKey, mandatory: false, properties, request.Data, cancellationToken);
                ReturnPublishChannel(channel);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < PublishAttempts && !_closed)
            {
                // The exchange may have been auto-deleted under us, or the channel closed by the broker: declare again.
                ForgetExchange(request.Topic);
                var connectionLost = _connection is not { IsOpen: true };
                LogPublishRetry(Logger, request.Topic, attempt, PublishAttempts, e.Message);
                await DiscardAsync(channel);
                var channelClosedByBroker = e is OperationInterruptedException && !connectionLost;
                if (!channelClosedByBroker)
                {
                    await Task.Delay(connectionLost ? Metadata.ReconnectWait : PublishRetryWait, cancellationToken);
                }
            }
            catch
            {
                await DiscardAsync(channel);
                throw;
            }
        }
    }

    public async Task<IAsyncDisposable> SubscribeAsync(SubscribeRequest request, PubSubHandler handler, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        var queueName = request.Metadata.TryGetValue("queueName", out var explicitName) && explicitName.Length > 0
            ? explicitName
            : Metadata.ConsumerId.Length > 0
                ? $"{Metadata.ConsumerId}-{request.Topic}"
                : throw new InvalidOperationException("consumerID is required for subscriptions that don't specify a queue name");

        var topology = RabbitMqQueueTopology.Create(Metadata, request.Topic, queueName, request.Metadata);
        var subscription = new RabbitMqSubscription(this, request.Topic, topology, handler);
        await subscription.StartAsync(cancellationToken);
        _subscriptions[subscription] = 0;
        return subscription;
    }

    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        foreach (var subscription in _subscriptions.Keys)
        {
            await subscription.DisposeAsync();
        }

        while (_idlePublishChannels.TryTake(out var channel))
        {
            await DiscardAsync(channel);
        }

        if (_connection is { } connection)
        {
            try
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is OperationInterruptedException or IOException)
            {
                // Already gone.
            }

            connection.Dispose();
        }

        _connectGate.Dispose();
    }

    internal void Forget(RabbitMqSubscription subscription) => _subscriptions.TryRemove(subscription, out _);

    /// <summary>The component's connection, opened again (with fresh declarations) when it was lost.</summary>
    internal async Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _connectGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (_connection is { IsOpen: true } current)
            {
                return current;
            }

            if (_connection is { } dead)
            {
                dead.Dispose();
                _connection = null;
            }

            // Whatever was declared on the old connection may be gone (auto-delete); declare it again when used.
            _declaredExchanges.Clear();
            _connection = await _factory.CreateConnectionAsync(cancellationToken);
            LogConnected(Logger, _connection.Endpoint.HostName, _connection.Endpoint.Port);
            return _connection;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>Declares the exchange once per connection (ensureExchangeDeclared).</summary>
    internal async Task EnsureExchangeAsync(IChannel channel, string exchange, string kind, bool durable, CancellationToken cancellationToken)
    {
        if (_declaredExchanges.ContainsKey(exchange))
        {
            return;
        }

        await channel.ExchangeDeclareAsync(exchange, kind, durable, autoDelete: Metadata.DeletedWhenUnused, cancellationToken: cancellationToken);
        _declaredExchanges.TryAdd(exchange, 0);
    }

    /// <summary>Makes the next use declare <paramref name="exchange"/> again (it may have been auto-deleted).</summary>
    internal void ForgetExchange(string exchange) => _declaredExchanges.TryRemove(exchange, out _);

    internal static async Task DiscardAsync(IChannel? channel)
    {
        if (channel is null)
        {
            return;
        }

        try
        {
            if (channel.IsOpen)
            {
                await channel.CloseAsync();
            }
        }
        catch (Exception e) when (e is OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // The channel or its connection is already gone.
        }

        channel.Dispose();
    }

    private async Task<IChannel> RentPublishChannelAsync(CancellationToken cancellationToken)
    {
        while (_idlePublishChannels.TryTake(out var idle))
        {
            if (idle.IsOpen)
            {
                return idle;
            }

            await DiscardAsync(idle);
        }

        var connection = await GetConnectionAsync(cancellationToken);
        var options = new CreateChannelOptions(
            publisherConfirmationsEnabled: Metadata.PublisherConfirm,
            publisherConfirmationTrackingEnabled: Metadata.PublisherConfirm);
        return await connection.CreateChannelAsync(options, cancellationToken);
    }

    private void ReturnPublishChannel(IChannel channel)
    {
        if (!_closed && channel.IsOpen && _idlePublishChannels.Count < MaxIdlePublishChannels)
        {
            _idlePublishChannels.Add(channel);
            return;
        }

        _ = DiscardAsync(channel);
    }

    // The AMQP properties the real component sets: content type text/plain unless metadata says otherwise, delivery
    // mode, TTL as expiration (the request's, else the component's), priority, message id, correlation id and type.
    private BasicProperties BuildProperties(IReadOnlyDictionary<string, string> metadata)
    {
        var properties = new BasicProperties { ContentType = "text/plain" };
        if (Metadata.DeliveryMode is 1 or 2)
        {
            properties.DeliveryMode = (DeliveryModes)Metadata.DeliveryMode;
        }

        if (PubSubRequestMetadata.TryGetTtl(metadata, out var ttl, out var ttlError))
        {
            properties.Expiration = ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            if (ttlError is not null)
            {
                LogIgnoredMetadata(Logger, "ttl", ttlError);
            }

            if (Metadata.DefaultMessageTtl is { } defaultTtl)
            {
                properties.Expiration = ((long)defaultTtl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            }
        }

        if (PubSubRequestMetadata.TryGetPriority(metadata, out var priority, out var priorityError))
        {
            properties.Priority = priority;
        }
        else if (priorityError is not null)
        {
            LogIgnoredMetadata(Logger, "priority", priorityError);
        }

        if (Find(metadata, "contentType") is { } contentType)
        {
            properties.ContentType = contentType;
        }

        if (Find(metadata, "messageID") is { } messageId)
        {
            properties.MessageId = messageId;
        }

        if (Find(metadata, "correlationID") is { } correlationId)
        {
            properties.CorrelationId = correlationId;
        }

        if (Find(metadata, "type") is { } type)
        {
            properties.Type = type;
        }

        return properties;
    }

    // TryGetProperty of the real component: the key without regard to case; an empty value is absent.
    private static string? Find(IReadOnlyDictionary<string, string> metadata, string key) =>
        PubSubRequestMetadata.Lookup(metadata, key) is { Length: > 0 } value ? value : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "rabbitmq pub/sub: connected to {Host}:{Port}")]
    private static partial void LogConnected(ILogger logger, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rabbitmq pub/sub: publishing to {Topic}, attempt ({Attempt}/{Max}) failed: {Error}")]
    private static partial void LogPublishRetry(ILogger logger, string topic, int attempt, int max, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rabbitmq pub/sub: publish metadata {Key} ignored: {Error}")]
    private static partial void LogIgnoredMetadata(ILogger logger, string key, string error);
}
