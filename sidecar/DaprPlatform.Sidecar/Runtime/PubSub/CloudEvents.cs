using System.Globalization;
using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Components.PubSub;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>What a publish request contributes to its CloudEvent (daprd's runtime/pubsub CloudEvent request).</summary>
/// <param name="Source">The publishing app id.</param>
/// <param name="DataContentType">The request's Content-Type; null or empty means text/plain.</param>
/// <param name="Trace">The publish call's span; the envelope carries it as traceid/traceparent/tracestate.</param>
public sealed record CloudEventRequest(
    string Source,
    string Topic,
    string PubsubName,
    string? DataContentType,
    ReadOnlyMemory<byte> Data,
    TraceContext Trace);

/// <summary>A body that claims to be a CloudEvent (application/cloudevents+json) but is not a JSON object.</summary>
public sealed class CloudEventFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The CloudEvents 1.0 envelopes daprd builds and reads (components-contrib pubsub/envelope.go, dapr
/// runtime/pubsub/cloudevents.go): a new envelope around published data, an app-supplied CloudEvent augmented with
/// Dapr's fields, the subscriber-side wrapper of a raw payload, and the <c>expiration</c> check.
/// </summary>
public static class CloudEvents
{
    public const string DefaultType = "com.dapr.event.sent";
    public const string DefaultSource = "Dapr";
    public const string SpecVersion = "1.0";

    public const string IdField = "id";
    public const string SourceField = "source";
    public const string TypeField = "type";
    public const string SpecVersionField = "specversion";
    public const string DataContentTypeField = "datacontenttype";
    public const string DataField = "data";
    public const string DataBase64Field = "data_base64";
    public const string SubjectField = "subject";
    public const string TimeField = "time";
    public const string TopicField = "topic";
    public const string PubsubField = "pubsubname";
    public const string TraceIdField = "traceid";
    public const string TraceParentField = "traceparent";
    public const string TraceStateField = "tracestate";
    public const string ExpirationField = "expiration";

    private const string OverridePrefix = "cloudevent.";

    private static readonly JsonReaderOptions FirstValueOnly = new() { AllowMultipleValues = true };

    private static ReadOnlySpan<byte> JsonWhitespace => " \t\r\n"u8;

    /// <summary>
    /// The bytes daprd publishes for a non-raw request: the CloudEvent (new, or the app's own one augmented) with
    /// <c>expiration</c> added when a TTL is asked for and the component cannot expire messages itself.
    /// </summary>
    /// <exception cref="CloudEventFormatException">An application/cloudevents+json body that is not a JSON object.</exception>
    public static byte[] Create(CloudEventRequest request, IReadOnlyDictionary<string, string> metadata, PubSubFeatures features, DateTimeOffset now)
    {
        string? expiration = null;
        if (!features.HasFlag(PubSubFeatures.MessageTtl) && PubSubRequestMetadata.TryGetTtl(metadata, out var ttl, out _))
        {
            var at = now.UtcDateTime + (ttl > DateTime.MaxValue - now.UtcDateTime ? DateTime.MaxValue - now.UtcDateTime : ttl);
            expiration = FormatTime(new DateTimeOffset(at, TimeSpan.Zero));
        }

        var writer = ScratchJsonWriter.Start();
        if (ContentTypes.IsCloudEvent(request.DataContentType))
        {
            WriteAugmented(writer, request, expiration, now);
        }
        else
        {
            WriteNew(writer, request, metadata, expiration, now);
        }

        return ScratchJsonWriter.Finish(writer);
    }

    /// <summary>
    /// What a rawPayload subscription hands the app: the broker bytes as <c>data_base64</c> under a new id, plus the
    /// trace fields the broker message carried in its metadata.
    /// </summary>
    public static byte[] FromRawPayload(ReadOnlySpan<byte> data, string topic, string pubsubName, IReadOnlyDictionary<string, string> messageMetadata)
    {
        var writer = ScratchJsonWriter.Start();
        {
            var traceParent = messageMetadata.GetValueOrDefault(TraceParentField);
            var traceId = traceParent ?? messageMetadata.GetValueOrDefault(TraceIdField);
            var traceState = messageMetadata.GetValueOrDefault(TraceStateField);

            writer.WriteStartObject();
            writer.WriteBase64String(DataBase64Field, data);
            writer.WriteString(DataContentTypeField, ContentTypes.OctetStream);
            writer.WriteString(IdField, Guid.NewGuid());
            writer.WriteString(PubsubField, pubsubName);
            writer.WriteString(SourceField, DefaultSource);
            writer.WriteString(SpecVersionField, SpecVersion);
            writer.WriteString(TopicField, topic);
            WriteIfNotNull(writer, TraceIdField, traceId);
            WriteIfNotNull(writer, TraceParentField, traceParent);
            WriteIfNotNull(writer, TraceStateField, traceState);
            writer.WriteString(TypeField, DefaultType);
            writer.WriteEndObject();
        }

        return ScratchJsonWriter.Finish(writer);
    }

    /// <summary>True when the event carries an RFC 3339 <c>expiration</c> that lies before <paramref name="now"/>.</summary>
    public static bool HasExpired(JsonElement cloudEvent, DateTimeOffset now)
    {
        if (cloudEvent.ValueKind != JsonValueKind.Object
            || !cloudEvent.TryGetProperty(ExpirationField, out var expiration)
            || expiration.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        return DateTimeOffset.TryParse(expiration.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            && at < now;
    }

    /// <summary>RFC 3339 at second precision, as Go's time.RFC3339 layout writes it ("Z" for UTC).</summary>
    public static string FormatTime(DateTimeOffset time)
    {
        Span<char> text = stackalloc char[MaxTimeLength];
        return new string(text[..FormatTime(time, text)]);
    }

    private const int MaxTimeLength = 32;

    private static int FormatTime(DateTimeOffset time, Span<char> destination)
    {
        var truncated = new DateTimeOffset(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, time.Offset);
        var format = truncated.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz";
        truncated.TryFormat(destination, out var written, format, CultureInfo.InvariantCulture);
        return written;
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset time)
    {
        Span<char> text = stackalloc char[MaxTimeLength];
        writer.WriteString(name, text[..FormatTime(time, text)]);
    }

    // NewCloudEventsEnvelope, keys in the sorted order Go's encoding/json writes a map in.
    private static void WriteNew(Utf8JsonWriter writer, CloudEventRequest request, IReadOnlyDictionary<string, string> metadata, string? expiration, DateTimeOffset now)
    {
        var id = Override(metadata, "id");
        var source = Override(metadata, "source") ?? request.Source;
        var type = Override(metadata, "type");
        var subject = Override(metadata, "subject");
        var traceState = Override(metadata, "tracestate") ?? request.Trace.TraceState;
        // A traceparent override wins over a traceid override, which wins over the call's own span.
        var traceId = Override(metadata, "traceparent") is { Length: > 0 } traceParent
            ? traceParent
            : Override(metadata, "traceid") ?? request.Trace.TraceParent;
        var contentType = string.IsNullOrEmpty(request.DataContentType) ? ContentTypes.DefaultDataContentType : request.DataContentType;

        writer.WriteStartObject();
        WriteData(writer, contentType, request.Data.Span);
        writer.WriteString(DataContentTypeField, contentType);
        WriteIfNotNull(writer, ExpirationField, expiration);
        if (string.IsNullOrEmpty(id))
        {
            writer.WriteString(IdField, Guid.NewGuid());
        }
        else
        {
            writer.WriteString(IdField, id);
        }

        writer.WriteString(PubsubField, request.PubsubName);
        writer.WriteString(SourceField, string.IsNullOrEmpty(source) ? DefaultSource : source);
        writer.WriteString(SpecVersionField, SpecVersion);
        if (!string.IsNullOrEmpty(subject))
        {
            writer.WriteString(SubjectField, subject);
        }

        WriteTime(writer, TimeField, now);
        writer.WriteString(TopicField, request.Topic);
        writer.WriteString(TraceIdField, traceId);
        writer.WriteString(TraceParentField, traceId);
        writer.WriteString(TraceStateField, traceState);
        writer.WriteString(TypeField, string.IsNullOrEmpty(type) ? DefaultType : type);
        writer.WriteEndObject();
    }

    private static void WriteData(Utf8JsonWriter writer, string contentType, ReadOnlySpan<byte> data)
    {
        if (ContentTypes.IsJson(contentType) && TryReadFirstJsonValue(data, out var json))
        {
            using (json)
            {
                writer.WritePropertyName(DataField);
                json.RootElement.WriteTo(writer);
            }
        }
        else if (ContentTypes.IsBinary(contentType) || ContentTypes.IsCloudEventProtobuf(contentType))
        {
            writer.WriteBase64String(DataBase64Field, data);
        }
        else
        {
            // Go's encoding/json replaces invalid UTF-8 with U+FFFD; decoding to a string does the same.
            writer.WriteString(DataField, Encoding.UTF8.GetString(data));
        }
    }

    // FromCloudEvent: the app's event keeps its own fields; Dapr adds what is missing and always sets topic and pubsubname.
    private static void WriteAugmented(Utf8JsonWriter writer, CloudEventRequest request, string? expiration, DateTimeOffset now)
    {
        if (!TryReadFirstJsonValue(request.Data.Span, out var document))
        {
            throw new CloudEventFormatException("the request body is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CloudEventFormatException($"a CloudEvent must be a JSON object, not {root.ValueKind}");
            }

            var hasTraceId = root.TryGetProperty(TraceIdField, out _);
            var hasTraceState = root.TryGetProperty(TraceStateField, out _);
            var hasTime = root.TryGetProperty(TimeField, out _);

            writer.WriteStartObject();
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var name = property.Name;
                var replaced = name is TopicField or PubsubField
                    || (name == TraceParentField && !hasTraceId)
                    || (name == ExpirationField && expiration is not null)
                    || (name is SourceField or TypeField or SpecVersionField && property.Value.ValueKind == JsonValueKind.Null);
                // Go decodes into a map, so of duplicate keys the last one wins; keep only one.
                if (replaced || !written.Add(name))
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            if (!hasTime)
            {
                WriteTime(writer, TimeField, now);
            }

            if (!hasTraceId)
            {
                writer.WriteString(TraceIdField, request.Trace.TraceParent);
                writer.WriteString(TraceParentField, request.Trace.TraceParent);
            }

            if (!hasTraceState)
            {
                writer.WriteString(TraceStateField, request.Trace.TraceState);
            }

            writer.WriteString(TopicField, request.Topic);
            writer.WriteString(PubsubField, request.PubsubName);
            WriteDefault(writer, root, SourceField, DefaultSource);
            WriteDefault(writer, root, TypeField, DefaultType);
            WriteDefault(writer, root, SpecVersionField, SpecVersion);
            WriteIfNotNull(writer, ExpirationField, expiration);
            writer.WriteEndObject();
        }
    }

    private static void WriteDefault(Utf8JsonWriter writer, JsonElement root, string field, string value)
    {
        if (!root.TryGetProperty(field, out var existing) || existing.ValueKind == JsonValueKind.Null)
        {
            writer.WriteString(field, value);
        }
    }

    /// <summary>
    /// Parses the first JSON value of <paramref name="data"/>, ignoring anything after it, as Go's json.Decoder does;
    /// text Go would decode to U+FFFD (invalid UTF-8, unpaired surrogate escapes) is decoded to it here too.
    /// </summary>
    public static bool TryReadFirstJsonValue(ReadOnlySpan<byte> data, out JsonDocument document)
    {
        // An empty body (the usual answer of an app to a delivery) is not JSON: say so without throwing and catching
        // a JsonException for every delivered event.
        if (data.TrimStart(JsonWhitespace).IsEmpty)
        {
            document = null!;
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(Api.GoJson.Sanitize(data), FirstValueOnly);
            document = JsonDocument.ParseValue(ref reader);
            return true;
        }
        catch (JsonException)
        {
            document = null!;
            return false;
        }
    }

    // The "cloudevent.*" overrides; mapstructure matches the keys without regard to case.
    private static string? Override(IReadOnlyDictionary<string, string> metadata, string field) =>
        metadata.Count == 0 ? null : PubSubRequestMetadata.Lookup(metadata, OverridePrefix + field);

    private static void WriteIfNotNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
