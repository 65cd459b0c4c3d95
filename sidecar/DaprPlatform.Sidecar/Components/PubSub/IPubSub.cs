namespace DaprPlatform.Sidecar.Components.PubSub;

/// <summary>
/// A pub/sub component. The runtime builds the CloudEvent envelope; the component only moves bytes.
/// A handler that returns normally means "acknowledge"; a handler that throws means "not processed"
/// and the component nacks or redelivers per its own semantics (at-least-once).
/// </summary>
public interface IPubSub : IAsyncDisposable
{
    PubSubFeatures Features { get; }

    Task PublishAsync(PublishRequest request, CancellationToken cancellationToken);

    /// <summary>Starts consuming; dispose the returned handle to stop (in-flight messages are not acknowledged).</summary>
    Task<IAsyncDisposable> SubscribeAsync(SubscribeRequest request, PubSubHandler handler, CancellationToken cancellationToken);
}

public delegate Task PubSubHandler(PubSubMessage message, CancellationToken cancellationToken);

[Flags]
public enum PubSubFeatures
{
    None = 0,
    /// <summary>The broker expires messages itself, so the runtime does not add a CloudEvent <c>expiration</c>.</summary>
    MessageTtl = 1,
    SubscribeWildcards = 2,
}

/// <param name="Metadata">Per-request metadata (query <c>metadata.*</c>), e.g. ttlInSeconds, routingKey, priority.</param>
public sealed record PublishRequest(string Topic, ReadOnlyMemory<byte> Data, string ContentType, IReadOnlyDictionary<string, string> Metadata);

/// <param name="Metadata">Subscription metadata, e.g. queueName, routingKey, rawPayload.</param>
public sealed record SubscribeRequest(string Topic, IReadOnlyDictionary<string, string> Metadata);

/// <param name="Metadata">Broker metadata of the delivery; becomes request headers to the app.</param>
public sealed record PubSubMessage(string Topic, ReadOnlyMemory<byte> Data, string? ContentType, IReadOnlyDictionary<string, string> Metadata);
