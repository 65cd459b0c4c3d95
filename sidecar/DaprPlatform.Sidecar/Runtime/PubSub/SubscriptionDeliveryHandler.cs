using System.Text.Json;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// The component handler of one subscription (daprd runtime/subscription): turns a broker message into the event
/// the app gets, picks the route, delivers under the component's inbound resiliency policy, and decides what the
/// broker hears. Returning acknowledges the message; throwing makes the component nack it (at-least-once). When the
/// sidecar is stopping (<paramref name="cancellationToken"/> cancelled) it throws <see cref="OperationCanceledException"/>
/// without dead-lettering, so the broker redelivers the message instead of discarding it.
/// </summary>
public sealed partial class SubscriptionDeliveryHandler(
    AppSubscription subscription,
    AppEventPoster poster,
    PubSubPublisher publisher,
    SidecarMetrics metrics,
    IResiliencyProvider resiliency,
    ConfigurationResource configuration,
    TimeProvider time,
    ILogger logger)
{
    public const string PubsubNameMetadataKey = "pubsubName";
    public const string ContentTypeMetadataKey = "content-type";
    private const string DefaultContentType = "application/json";
    private const string BinaryCloudEventHeaderPrefix = "ce_";

    public AppSubscription Subscription => subscription;

    public async Task HandleAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        var name = subscription.PubsubName;
        var metadata = new Dictionary<string, string>(message.Metadata, StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(message.ContentType))
        {
            metadata[ContentTypeMetadataKey] = message.ContentType;
        }

        var contentType = metadata.GetValueOrDefault(ContentTypeMetadataKey) ?? DefaultContentType;
        metadata[PubsubNameMetadataKey] = name;
        var forwarded = message with { Metadata = metadata };

        bool rawPayload;
        try
        {
            rawPayload = PubSubRequestMetadata.IsRawPayload(subscription.Metadata);
        }
        catch (FormatException e)
        {
            LogBadMetadata(logger, name, subscription.Topic, e.Message);
            await DeadLetterOrThrowAsync(forwarded, e, cancellationToken);
            return;
        }

        ReadOnlyMemory<byte> body = message.Data;
        JsonDocument cloudEvent;
        if (rawPayload)
        {
            body = CloudEvents.FromRawPayload(message.Data.Span, message.Topic, name, metadata);
            cloudEvent = JsonDocument.Parse(body);
        }
        else if (ContentTypes.IsBinary(contentType))
        {
            cloudEvent = BinaryCloudEvent(metadata, contentType);
        }
        else
        {
            try
            {
                cloudEvent = JsonDocument.Parse(message.Data);
                if (cloudEvent.RootElement.ValueKind != JsonValueKind.Object)
                {
                    cloudEvent.Dispose();
                    throw new JsonException($"a CloudEvent must be a JSON object, not {cloudEvent.RootElement.ValueKind}");
                }
            }
            catch (JsonException e)
            {
                LogNotACloudEvent(logger, name, message.Topic, e.Message);
                await DeadLetterOrThrowAsync(forwarded, e, cancellationToken);
                return;
            }
        }

        using (cloudEvent)
        {
            var root = cloudEvent.RootElement;
            var eventId = StringField(root, CloudEvents.IdField) ?? "";
            if (CloudEvents.HasExpired(root, time.GetUtcNow()))
            {
                LogExpired(logger, eventId, StringField(root, CloudEvents.ExpirationField) ?? "");
                await TryDeadLetterAsync(forwarded, cancellationToken);
                return;
            }

            var route = subscription.FindRoute(root);
            if (route is null)
            {
                LogNoRoute(logger, eventId, name, message.Topic);
                await TryDeadLetterAsync(forwarded, cancellationToken);
                return;
            }

            var trace = EventTrace(root, metadata);
            try
            {
                await resiliency.ComponentInbound(name).ExecuteAsync(
                    ct => DeliverOnceAsync(route.Path, body, metadata, trace, eventId, forwarded, ct), cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                await DeadLetterOrThrowAsync(forwarded, e, cancellationToken);
            }
        }
    }

    private async Task<bool> DeliverOnceAsync(
        string path, ReadOnlyMemory<byte> body, Dictionary<string, string> metadata, TraceContext? trace, string eventId, PubSubMessage forwarded, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var outcome = await poster.PostAsync(path, body, metadata, trace, eventId, ct);
        // As daprd's subscriber: one ingress event per attempt, with what the app answered.
        metrics.RecordDelivery(subscription.PubsubName, subscription.Topic, outcome.Status switch
        {
            DeliveryStatus.Success => PubSubDeliveryResult.Success,
            DeliveryStatus.Drop => PubSubDeliveryResult.Drop,
            _ => PubSubDeliveryResult.Retry,
        }, time.GetElapsedTime(started).TotalMilliseconds);
        switch (outcome.Status)
        {
            case DeliveryStatus.Success:
                return true;
            case DeliveryStatus.Drop:
                LogDropped(logger, outcome.Reason);
                if (subscription.DeadLetterTopic is not null && !await TryDeadLetterAsync(forwarded, ct))
                {
                    throw new PubSubMessageDroppedException(outcome.Reason);
                }

                return true;
            default:
                LogRetriable(logger, subscription.Topic, outcome.Reason);
                throw outcome.StatusCode is { } status
                    ? new PubSubAppStatusException(outcome.Reason, status)
                    : new PubSubDeliveryException(outcome.Reason);
        }
    }

    // After the policy gave up: the dead-letter topic takes the message (ack), or the component nacks it.
    private async Task DeadLetterOrThrowAsync(PubSubMessage message, Exception error, CancellationToken ct)
    {
        if (subscription.DeadLetterTopic is not null && await TryDeadLetterAsync(message, ct))
        {
            return;
        }

        throw error is PubSubDeliveryException or PubSubMessageDroppedException
            ? error
            : new PubSubDeliveryException(error.Message);
    }

    private Task<bool> TryDeadLetterAsync(PubSubMessage message, CancellationToken ct) =>
        DeadLetters.TrySendAsync(publisher, subscription, message, logger, ct);

    // A binary message carries its CloudEvent attributes as "ce_*" metadata (Kafka-style binary mode).
    private static JsonDocument BinaryCloudEvent(Dictionary<string, string> metadata, string contentType)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                if (key.StartsWith(BinaryCloudEventHeaderPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    writer.WriteString(key[BinaryCloudEventHeaderPrefix.Length..].ToLowerInvariant(), value);
                }
            }

            writer.WriteString(CloudEvents.DataContentTypeField, contentType);
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    // The delivery runs in a span that continues the event's trace (traceparent, else traceid, else broker metadata).
    private TraceContext? EventTrace(JsonElement cloudEvent, Dictionary<string, string> metadata)
    {
        var traceParent = StringField(cloudEvent, CloudEvents.TraceParentField)
            ?? StringField(cloudEvent, CloudEvents.TraceIdField)
            ?? metadata.GetValueOrDefault(CloudEvents.TraceParentField)
            ?? metadata.GetValueOrDefault(CloudEvents.TraceIdField);
        if (!TraceContext.IsValid(traceParent))
        {
            return null;
        }

        var traceState = StringField(cloudEvent, CloudEvents.TraceStateField) ?? metadata.GetValueOrDefault(CloudEvents.TraceStateField);
        return TraceContext.ChildOf(traceParent, traceState, configuration.TracingSamplingRate);
    }

    private static string? StringField(JsonElement cloudEvent, string name) =>
        cloudEvent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "error deserializing pubsub metadata of subscription {Pubsub}/{Topic}: {Error}")]
    private static partial void LogBadMetadata(ILogger logger, string pubsub, string topic, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "error deserializing cloud event in pubsub {Pubsub} and topic {Topic}: {Error}")]
    private static partial void LogNotACloudEvent(ILogger logger, string pubsub, string topic, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dropping expired pub/sub event {Id} as of {Expiration}")]
    private static partial void LogExpired(ILogger logger, string id, string expiration);

    [LoggerMessage(Level = LogLevel.Debug, Message = "no matching route for event {Id} in pubsub {Pubsub} and topic {Topic}; skipping")]
    private static partial void LogNoRoute(ILogger logger, string id, string pubsub, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "encountered a retriable error while publishing a subscribed message to topic {Topic}, err: {Reason}")]
    private static partial void LogRetriable(ILogger logger, string topic, string reason);
}
