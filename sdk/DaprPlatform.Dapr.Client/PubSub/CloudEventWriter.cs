using System.Text.Json;

namespace DaprPlatform.Dapr.Client;

/// <summary>Writes the CloudEvents 1.0 JSON format (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md).</summary>
internal static class CloudEventWriter
{
    public static void Write<TData>(Utf8JsonWriter writer, CloudEvent<TData> cloudEvent, JsonSerializerOptions json)
    {
        writer.WriteStartObject();
        writer.WriteString("specversion", "1.0");
        writer.WriteString("id", cloudEvent.Id);
        WriteIfSet(writer, "source", cloudEvent.Source);
        WriteIfSet(writer, "type", cloudEvent.Type);
        WriteIfSet(writer, "subject", cloudEvent.Subject);
        if (cloudEvent.Time is { } time)
        {
            writer.WriteString("time", time);
        }

        writer.WriteString("datacontenttype", cloudEvent.DataContentType);
        if (cloudEvent.Extensions is { } extensions)
        {
            foreach (var (name, value) in extensions)
            {
                writer.WriteString(name, value);
            }
        }

        if (cloudEvent.Data is byte[] binary)
        {
            writer.WriteBase64String("data_base64", binary);
        }
        else
        {
            writer.WritePropertyName("data");
            JsonSerializer.Serialize(writer, cloudEvent.Data, json);
        }

        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
