using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>One message of a bulk delivery; <see cref="EventJson"/> is the JSON value sent as the entry's <c>event</c>.</summary>
public sealed record BulkEntry(string EntryId, ReadOnlyMemory<byte> EventJson, string ContentType, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// What the app said about a bulk delivery: per-entry statuses (2xx with a readable body), or one outcome for every
/// entry (404 drops them all; any other status, an unreadable body or an unreachable app makes them all retriable).
/// </summary>
public sealed record BulkPostResult(IReadOnlyDictionary<string, string>? Statuses, DeliveryOutcome? All);

/// <summary>
/// Posts a batch of events to one app route as daprd's HTTP postman does for bulk subscriptions: one
/// <c>POST /{path}</c> with <c>Content-Type: application/json</c> and the envelope
/// <c>{"entries":[{"entryId","event","metadata","contentType"}],"id","metadata","pubsubname","topic","type"}</c>,
/// the bulk metadata (<c>pubsubName</c>) as headers and the app token.
/// </summary>
public sealed class BulkEventPoster(AppChannel channel)
{
    public const string BulkEventType = "com.dapr.event.sent.bulk";
    private static readonly MediaTypeHeaderValue JsonContentType = new(ContentTypes.Json);

    public async Task<BulkPostResult> PostAsync(
        string path, string pubsubName, string topic, IReadOnlyList<BulkEntry> entries, CancellationToken ct)
    {
        using var request = channel.CreateRequest(HttpMethod.Post, path);
        request.Content = new ReadOnlyMemoryContent(Envelope(pubsubName, topic, entries));
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.TryAddWithoutValidation(SubscriptionDeliveryHandler.PubsubNameMetadataKey, pubsubName);
        try
        {
            using var response = await channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            var status = (int)response.StatusCode;
            if (status is >= 200 and <= 299)
            {
                return BulkAppResponseReader.TryRead(body, out var statuses)
                    ? new BulkPostResult(statuses, null)
                    : new BulkPostResult(null, new DeliveryOutcome(DeliveryStatus.Retry, "failed unmarshalling app response for bulk subscribe"));
            }

            return status == 404
                ? new BulkPostResult(null, new DeliveryOutcome(
                    DeliveryStatus.Drop, $"Non-retriable error returned from app while processing bulk pub/sub event. status code returned: {status}", status))
                : new BulkPostResult(null, new DeliveryOutcome(
                    DeliveryStatus.Retry, $"Retriable error returned from app while processing bulk pub/sub event, topic: {topic}. status code returned: {status}", status));
        }
        catch (HttpRequestException e)
        {
            return new BulkPostResult(null, new DeliveryOutcome(
                DeliveryStatus.Retry, $"error from app channel while sending pub/sub event to app: {e.Message}"));
        }
    }

    // Keys in the order Go's encoding/json writes a map (sorted) and the entry struct (declaration order).
    private static ReadOnlyMemory<byte> Envelope(string pubsubName, string topic, IReadOnlyList<BulkEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("entries");
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("entryId", entry.EntryId);
                writer.WritePropertyName("event");
                writer.WriteRawValue(entry.EventJson.Span, skipInputValidation: true);
                WriteMap(writer, "metadata", entry.Metadata);
                if (entry.ContentType.Length > 0)
                {
                    writer.WriteString("contentType", entry.ContentType);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("id", Guid.NewGuid().ToString());
            WriteMap(writer, "metadata", new Dictionary<string, string> { [SubscriptionDeliveryHandler.PubsubNameMetadataKey] = pubsubName });
            writer.WriteString("pubsubname", pubsubName);
            writer.WriteString("topic", topic);
            writer.WriteString("type", BulkEventType);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
