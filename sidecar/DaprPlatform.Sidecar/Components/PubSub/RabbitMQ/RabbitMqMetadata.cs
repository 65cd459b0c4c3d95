namespace DaprPlatform.Sidecar.Components.PubSub.RabbitMQ;

public enum RabbitMqConcurrency
{
    /// <summary>Each delivery is handled on its own, as soon as it arrives (the default).</summary>
    Parallel,

    /// <summary>One delivery at a time per subscription.</summary>
    Single,
}

/// <summary>
/// The component metadata of <c>pubsub.rabbitmq</c> with components-contrib's defaults (pubsub/rabbitmq/metadata.go
/// createMetadata). Note <see cref="Durable"/> defaults to true in code, though the docs say false.
/// </summary>
public sealed record RabbitMqMetadata
{
    public const string FanoutExchange = "fanout";
    private static readonly string[] ExchangeKinds = [FanoutExchange, "topic", "direct", "headers"];

    /// <summary>Prefix of queue names; daprd sets it to the app id when the component does not.</summary>
    public string ConsumerId { get; init; } = "";

    public Uri ConnectionUri { get; init; } = new("amqp://localhost");

    public string Protocol { get; init; } = "amqp";

    public bool Durable { get; init; } = true;

    public bool EnableDeadLetter { get; init; }

    /// <summary>autoDelete for exchanges and queues.</summary>
    public bool DeletedWhenUnused { get; init; } = true;

    public bool AutoAck { get; init; }

    public bool RequeueInFailure { get; init; }

    /// <summary>0 = not set, 1 = transient, 2 = persistent.</summary>
    public byte DeliveryMode { get; init; }

    /// <summary>0 = no QoS.</summary>
    public byte PrefetchCount { get; init; }

    public TimeSpan ReconnectWait { get; init; } = TimeSpan.FromSeconds(3);

    public long MaxLen { get; init; }

    public long MaxLenBytes { get; init; }

    public string ExchangeKind { get; init; } = FanoutExchange;

    public string? ClientName { get; init; }

    public TimeSpan HeartBeat { get; init; } = TimeSpan.FromSeconds(10);

    public bool PublisherConfirm { get; init; }

    public RabbitMqConcurrency Concurrency { get; init; } = RabbitMqConcurrency.Parallel;

    /// <summary>The message TTL used when a publish does not ask for one (ttlInSeconds).</summary>
    public TimeSpan? DefaultMessageTtl { get; init; }

    public bool PublishMessagePropertiesToMetadata { get; init; }

    /// <exception cref="Resources.ResourceException">A value is missing or invalid; names the file and field.</exception>
    public static RabbitMqMetadata Parse(ComponentMetadata metadata, string appId)
    {
        // The deprecated "host" is accepted in place of connectionString.
        var connectionString = metadata.GetString("connectionString") ?? metadata.GetString("host");
        var protocol = metadata.GetString("protocol");
        string internalProtocol;
        Uri uri;
        if (connectionString is not null)
        {
            if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("amqp" or "amqps"))
            {
                // The connection string holds credentials; the message must not repeat it.
                throw metadata.Invalid("connectionString", "invalid connection string: expected amqp://user:password@host:port or amqps://...");
            }

            internalProtocol = parsed.Scheme;
            if (protocol is not null && protocol != internalProtocol)
            {
                throw metadata.Invalid("protocol", $"protocol does not match connection string, protocol: {protocol}");
            }

            uri = parsed;
        }
        else
        {
            internalProtocol = protocol ?? "amqp";
            if (internalProtocol is not ("amqp" or "amqps"))
            {
                throw metadata.Invalid("protocol", $"'{internalProtocol}' is not amqp or amqps");
            }

            // hostname may carry a port ("rabbit:5672"), as it becomes the host part of the URL.
            var hostname = metadata.GetString("hostname") ?? "localhost";
            var colon = hostname.LastIndexOf(':');
            var builder = colon > 0 && int.TryParse(hostname[(colon + 1)..], out var port)
                ? new UriBuilder(internalProtocol, hostname[..colon], port)
                : new UriBuilder(internalProtocol, hostname);

            if (metadata.GetString("username") is { } user)
            {
                builder.UserName = Uri.EscapeDataString(user);
                if (metadata.GetString("password") is { } password)
                {
                    builder.Password = Uri.EscapeDataString(password);
                }
            }

            uri = builder.Uri;
        }

        var deliveryMode = metadata.GetInt("deliveryMode", 0);
        if (deliveryMode is < 0 or > 2)
        {
            throw metadata.Invalid("deliveryMode", "invalid RabbitMQ delivery mode, accepted values are between 0 and 2");
        }

        var prefetch = metadata.GetInt("prefetchCount", 0);
        if (prefetch is < 0 or > byte.MaxValue)
        {
            throw metadata.Invalid("prefetchCount", $"'{prefetch}' is out of range 0..255");
        }

        var exchangeKind = metadata.GetString("exchangeKind") ?? FanoutExchange;
        if (!ExchangeKinds.Contains(exchangeKind))
        {
            throw metadata.Invalid("exchangeKind", $"invalid RabbitMQ exchange kind {exchangeKind}");
        }

        TimeSpan? ttl = null;
        if (PubSubRequestMetadata.TryGetTtl(metadata.Values, out var parsedTtl, out var ttlError))
        {
            ttl = parsedTtl;
        }
        else if (ttlError is not null)
        {
            throw metadata.Invalid("ttlInSeconds", $"parse RabbitMQ ttl metadata with error: {ttlError}");
        }

        var concurrency = metadata.GetString("concurrencyMode") switch
        {
            null or "parallel" => RabbitMqConcurrency.Parallel,
            "single" => RabbitMqConcurrency.Single,
            var other => throw metadata.Invalid("concurrencyMode", $"invalid concurrencyMode {other}"),
        };

        if (metadata.GetBool("saslExternal", false))
        {
            throw metadata.Invalid("saslExternal", "SASL EXTERNAL (client certificate authentication) is not supported by this sidecar");
        }

        return new RabbitMqMetadata
        {
            ConsumerId = metadata.GetString("consumerID")?.Trim() is { Length: > 0 } consumerId ? consumerId : appId,
            ConnectionUri = uri,
            Protocol = internalProtocol,
            Durable = metadata.GetBool("durable", true),
            EnableDeadLetter = metadata.GetBool("enableDeadLetter", false),
            DeletedWhenUnused = metadata.GetBool("deletedWhenUnused", true),
            AutoAck = metadata.GetBool("autoAck", false),
            RequeueInFailure = metadata.GetBool("requeueInFailure", false),
            DeliveryMode = (byte)deliveryMode,
            PrefetchCount = (byte)prefetch,
            ReconnectWait = metadata.GetDuration("reconnectWaitSeconds", TimeSpan.FromSeconds(3)),
            MaxLen = metadata.GetLong("maxLen", 0),
            MaxLenBytes = metadata.GetLong("maxLenBytes", 0),
            ExchangeKind = exchangeKind,
            ClientName = metadata.GetString("clientName"),
            HeartBeat = metadata.GetDuration("heartBeat", TimeSpan.FromSeconds(10)),
            PublisherConfirm = metadata.GetBool("publisherConfirm", false),
            Concurrency = concurrency,
            DefaultMessageTtl = ttl,
            PublishMessagePropertiesToMetadata = metadata.GetBool("publishMessagePropertiesToMetadata", false),
        };
    }
}
