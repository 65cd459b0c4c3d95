using System.Text.Json;
using DaprPlatform.Sidecar.Components.State;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// A stored value as daprd returns it: the raw bytes, an ETag header and a metadata.* header per entry. The content
/// type is always application/json (daprd's respondWithData): a request's metadata.contentType only tells the store
/// how to read, and copying it into a header would let any caller's text, control characters included, into it.
/// </summary>
public sealed class StateValueResult(StateEntry entry) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        if (entry.ETag is not null)
        {
            response.Headers.ETag = entry.ETag;
        }

        if (entry.Metadata is not null)
        {
            foreach (var (key, value) in entry.Metadata)
            {
                response.Headers["metadata." + key] = value;
            }
        }

        response.ContentLength = entry.Data.Length;
        await response.Body.WriteAsync(entry.Data, httpContext.RequestAborted);
    }
}

/// <summary>
/// The bulk get answer: <c>[{"key","data","etag","metadata","error"}]</c>, empty fields omitted. daprd names the
/// value "data" (its docs say "value"; the source and its tests say "data").
/// </summary>
public sealed class BulkStateResult(IReadOnlyList<(string Key, BulkStateEntry Entry)> items) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(response.BodyWriter.AsStream());
        writer.WriteStartArray();
        foreach (var (key, item) in items)
        {
            writer.WriteStartObject();
            writer.WriteString("key", key);
            if (item.Entry is { } entry)
            {
                writer.WritePropertyName("data");
                WriteData(writer, entry.Data.Span);
                if (entry.ETag is not null)
                {
                    writer.WriteString("etag", entry.ETag);
                }

                if (entry.Metadata is { Count: > 0 })
                {
                    writer.WriteStartObject("metadata");
                    foreach (var (k, v) in entry.Metadata)
                    {
                        writer.WriteString(k, v);
                    }

                    writer.WriteEndObject();
                }
            }

            if (item.Error is not null)
            {
                writer.WriteString("error", item.Error);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    private static void WriteData(Utf8JsonWriter writer, ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        try
        {
            if (JsonDocument.TryParseValue(ref reader, out var doc) && reader.BytesConsumed == data.Length)
            {
                using (doc)
                {
                    doc.RootElement.WriteTo(writer);
                    return;
                }
            }
        }
        catch (JsonException)
        {
        }

        // Bytes saved by a non-JSON client: return them as a string rather than fail the whole answer.
        writer.WriteStringValue(System.Text.Encoding.UTF8.GetString(data));
    }
}
