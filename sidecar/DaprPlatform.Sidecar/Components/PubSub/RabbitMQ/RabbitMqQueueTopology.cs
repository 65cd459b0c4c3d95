using System.Globalization;
using RabbitMQ.Client;

namespace DaprPlatform.Sidecar.Components.PubSub.RabbitMQ;

/// <summary>
/// What a subscription declares on the broker (components-contrib prepareSubscription): the topic's exchange, the
/// queue with its arguments, its bindings, and with enableDeadLetter the <c>dlx-{queue}</c> exchange and
/// <c>dlq-{queue}</c> queue. Built once from the metadata so a bad value fails the subscribe, not each reconnect.
/// </summary>
public sealed record RabbitMqQueueTopology(
    string Exchange,
    string QueueName,
    IReadOnlyDictionary<string, object?> QueueArguments,
    IReadOnlyList<string> RoutingKeys,
    string? DeadLetterExchange,
    string? DeadLetterQueue,
    IReadOnlyDictionary<string, object?> DeadLetterQueueArguments)
{
    public const string DeadLetterExchangePrefix = "dlx-";
    public const string DeadLetterQueuePrefix = "dlq-";

    /// <exception cref="ArgumentException">A subscription metadata value is invalid (queueType, maxPriority, maxLen...).</exception>
    public static RabbitMqQueueTopology Create(RabbitMqMetadata component, string topic, string queueName, IReadOnlyDictionary<string, string> subscription)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        string? dlx = null;
        string? dlq = null;
        var dlqArguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (component.EnableDeadLetter)
        {
            dlx = DeadLetterExchangePrefix + queueName;
            dlq = DeadLetterQueuePrefix + queueName;
            AddLengthLimits(dlqArguments, component);
            // The dead-letter queue is lazy: keep as much as possible on disk.
            dlqArguments["x-queue-mode"] = "lazy";
            arguments["x-dead-letter-exchange"] = dlx;
        }

        AddLengthLimits(arguments, component);

        if (Value(subscription, "maxPriority") is { } maxPriority)
        {
            // An out-of-range priority is capped at 255, as the real component does.
            arguments["x-max-priority"] = (int)Math.Min(ParseUnsigned("maxPriority", maxPriority), byte.MaxValue);
        }

        var queueType = Value(subscription, "queueType") ?? "classic";
        if (queueType is not ("classic" or "quorum"))
        {
            throw new ArgumentException($"invalid queue type {queueType}. Valid types are classic and quorum");
        }

        arguments["x-queue-type"] = queueType;

        if (Value(subscription, "singleActiveConsumer") is { } single && IsTruthy(single))
        {
            arguments["x-single-active-consumer"] = true;
        }

        if (Value(subscription, "maxLenBytes") is { } maxLenBytes)
        {
            arguments["x-max-length-bytes"] = (long)ParseUnsigned("maxLenBytes", maxLenBytes);
        }

        if (Value(subscription, "maxLen") is { } maxLen)
        {
            arguments["x-max-length"] = (long)ParseUnsigned("maxLen", maxLen);
        }

        var routingKeys = (Value(subscription, "routingKey") ?? "").Split(',');
        return new RabbitMqQueueTopology(topic, queueName, arguments, routingKeys, dlx, dlq, dlqArguments);
    }

    /// <summary>Declares all of it on <paramref name="channel"/>, exchanges through the component's once-per-connection cache.</summary>
    public async Task DeclareAsync(RabbitMqPubSub component, IChannel channel, CancellationToken ct)
    {
        var metadata = component.Metadata;
        await component.EnsureExchangeAsync(channel, Exchange, metadata.ExchangeKind, metadata.Durable, ct);
        if (DeadLetterExchange is not null && DeadLetterQueue is not null)
        {
            // The dead-letter exchange is always fanout and durable; the queue always durable.
            await component.EnsureExchangeAsync(channel, DeadLetterExchange, RabbitMqMetadata.FanoutExchange, durable: true, ct);
            await channel.QueueDeclareAsync(
                DeadLetterQueue, durable: true, exclusive: false, autoDelete: metadata.DeletedWhenUnused,
                arguments: new Dictionary<string, object?>(DeadLetterQueueArguments), cancellationToken: ct);
            await channel.QueueBindAsync(DeadLetterQueue, DeadLetterExchange, "", cancellationToken: ct);
        }

        await channel.QueueDeclareAsync(
            QueueName, durable: metadata.Durable, exclusive: false, autoDelete: metadata.DeletedWhenUnused,
            arguments: new Dictionary<string, object?>(QueueArguments), cancellationToken: ct);
        if (metadata.PrefetchCount > 0)
        {
            await channel.BasicQosAsync(0, metadata.PrefetchCount, global: false, ct);
        }

        foreach (var routingKey in RoutingKeys)
        {
            await channel.QueueBindAsync(QueueName, Exchange, routingKey, cancellationToken: ct);
        }
    }

    private static void AddLengthLimits(Dictionary<string, object?> arguments, RabbitMqMetadata component)
    {
        if (component.MaxLen > 0)
        {
            arguments["x-max-length"] = component.MaxLen;
        }

        if (component.MaxLenBytes > 0)
        {
            arguments["x-max-length-bytes"] = component.MaxLenBytes;
        }
    }

    private static string? Value(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private static ulong ParseUnsigned(string key, string value) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= long.MaxValue
            ? n
            : throw new ArgumentException($"can't parse {key} value '{value}' on subscription metadata");

    // dapr/kit strings.IsTruthy.
    private static bool IsTruthy(string value) =>
        value.Trim().ToLowerInvariant() is "y" or "yes" or "true" or "t" or "on" or "1";
}
