using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// Reads the CloudEvents JSON format (what daprd delivers as <c>application/cloudevents+json</c>) and extracts the
/// payload: <c>data</c> as JSON when the data content type is JSON (or the data is not a string), <c>data</c> as plain
/// text for a string with a non-JSON type, <c>data_base64</c> decoded to bytes, and an empty body when neither is present.
/// </summary>
internal static class CloudEventReader
{
    public const string MediaType = "application/cloudevents+json";
    private const string DefaultDataContentType = "application/json";
    private const string BinaryDataContentType = "application/octet-stream";

    public static bool IsCloudEvent(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, MediaType, StringComparison.OrdinalIgnoreCase);

    /// <exception cref="InvalidDataException">The body is not a CloudEvent in JSON format.</exception>
    public static async Task<UnwrappedCloudEvent> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException("The CloudEvent is not valid JSON.", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("A CloudEvent must be a JSON object.");
            }

            var envelope = CloudEventEnvelope.Read(root);
            var hasData = root.TryGetProperty("data", out var data);
            var hasBinary = root.TryGetProperty("data_base64", out var binary);
            if (hasData && hasBinary)
            {
                throw new InvalidDataException("A CloudEvent cannot carry both data and data_base64.");
            }

            if (hasBinary)
            {
                return new UnwrappedCloudEvent(envelope, DecodeBase64(binary), envelope.DataContentType ?? BinaryDataContentType);
            }

            if (!hasData)
            {
                return new UnwrappedCloudEvent(envelope, [], envelope.DataContentType ?? DefaultDataContentType);
            }

            var declaredJson = envelope.DataContentType is null || IsJsonMediaType(envelope.DataContentType);
            if (declaredJson || data.ValueKind != JsonValueKind.String)
            {
                // The raw UTF-8 slice of the document: no re-serialization, so numbers and escapes arrive exactly as sent.
                var json = JsonMarshal.GetRawUtf8Value(data).ToArray();
                return new UnwrappedCloudEvent(envelope, json, declaredJson ? envelope.DataContentType ?? DefaultDataContentType : DefaultDataContentType);
            }

            return new UnwrappedCloudEvent(envelope, Encoding.UTF8.GetBytes(data.GetString()!), envelope.DataContentType);
        }
    }

    /// <summary>
    /// daprd wraps a rawPayload subscription's message as <c>data_base64</c> labelled <c>application/octet-stream</c>
    /// because it cannot know the type. When those bytes are a JSON document, relabel them so typed JSON handlers bind.
    /// </summary>
    public static UnwrappedCloudEvent LabelRawJsonPayload(UnwrappedCloudEvent cloudEvent)
    {
        if (!string.Equals(cloudEvent.ContentType, BinaryDataContentType, StringComparison.OrdinalIgnoreCase) || !IsJsonDocument(cloudEvent.Data))
        {
            return cloudEvent;
        }

        return cloudEvent with { ContentType = DefaultDataContentType };
    }

    private static bool IsJsonDocument(byte[] data)
    {
        if (data.Length == 0)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] DecodeBase64(JsonElement binary)
    {
        if (binary.ValueKind != JsonValueKind.String || !binary.TryGetBytesFromBase64(out var bytes))
        {
            throw new InvalidDataException("The CloudEvent's data_base64 is not a base64 string.");
        }

        return bytes;
    }

    private static bool IsJsonMediaType(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType is { } mediaType
        && (string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}
