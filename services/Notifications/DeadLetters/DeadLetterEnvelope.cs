using System.Text;
using System.Text.Json;

namespace DaprPlatform.Notifications.DeadLetters;

/// <summary>
/// The parts of a dead-lettered CloudEvent this service keeps. Dapr dead-letters the original message unchanged, so its
/// <c>id</c>, <c>topic</c> and <c>data</c> are the failed delivery's.
/// </summary>
public sealed record DeadLetterEnvelope(string CloudEventId, string OriginalTopic, string MessageKey, string Payload)
{
    private const int MaxId = 200;

    /// <returns>Null when the message is not a CloudEvent with an id, a topic and data.</returns>
    public static DeadLetterEnvelope? TryRead(ReadOnlyMemory<byte> cloudEvent)
    {
        try
        {
            using var document = JsonDocument.Parse(cloudEvent);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "id") is not { } id
                || Text(root, "topic") is not { } topic
                || Data(root) is not { } data)
            {
                return null;
            }

            return new DeadLetterEnvelope(id, topic, EventIdOf(data) ?? id, data.GetRawText());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement cloudEvent, string name) =>
        cloudEvent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 and <= MaxId } text ? text : null;

    // JSON data as it was published; binary data (a raw-payload publisher) only when its bytes are JSON.
    private static JsonElement? Data(JsonElement cloudEvent)
    {
        if (cloudEvent.TryGetProperty("data", out var data))
        {
            return data.Clone();
        }

        if (cloudEvent.TryGetProperty("data_base64", out var base64) && base64.ValueKind == JsonValueKind.String)
        {
            using var decoded = JsonDocument.Parse(Encoding.UTF8.GetString(base64.GetBytesFromBase64()));
            return decoded.RootElement.Clone();
        }

        return null;
    }

    // The integration events carry their own id, which stays the same when a redriven event is dead-lettered again.
    private static string? EventIdOf(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in data.EnumerateObject())
        {
            if (string.Equals(property.Name, "eventId", StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number
                    && property.Value.ToString() is { Length: > 0 and <= MaxId } key ? key : null;
            }
        }

        return null;
    }
}
