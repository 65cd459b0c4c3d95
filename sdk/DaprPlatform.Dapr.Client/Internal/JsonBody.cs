using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace DaprPlatform.Dapr.Client.Internal;

/// <summary>
/// Request bodies are serialized up front so daprd gets a Content-Length (no chunking) and a serialization
/// error surfaces before any bytes hit the wire.
/// </summary>
internal static class JsonBody
{
    public static HttpContent Create(Action<Utf8JsonWriter> write, string mediaType = DaprHeaders.ApplicationJson)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Bytes(buffer.WrittenMemory, mediaType);
    }

    public static HttpContent Create<T>(T value, JsonSerializerOptions options, string mediaType = DaprHeaders.ApplicationJson) =>
        Bytes(JsonSerializer.SerializeToUtf8Bytes(value, options), mediaType);

    public static HttpContent Bytes(ReadOnlyMemory<byte> bytes, string mediaType)
    {
        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    public static void WriteStringMap(Utf8JsonWriter writer, string propertyName, IEnumerable<KeyValuePair<string, string>>? map)
    {
        if (map is null)
        {
            return;
        }

        writer.WriteStartObject(propertyName);
        foreach (var (key, value) in map)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
