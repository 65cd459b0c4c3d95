using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Runtime;

/// <summary>
/// A JSON writer for documents built synchronously from start to finish on the request path (CloudEvent envelopes,
/// state values): one buffer and writer per thread serve every call, so only the finished bytes are allocated. A
/// buffer grown by an unusually large document is dropped rather than kept.
/// </summary>
internal static class ScratchJsonWriter
{
    private const int RetainedCapacity = 64 * 1024;

    /// <summary>Go keeps non-ASCII text as UTF-8: the relaxed encoder writes it as it is.</summary>
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_relaxedWriter;

    public static Utf8JsonWriter Start(bool relaxedEscaping = false)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = relaxedEscaping
            ? t_relaxedWriter ??= new Utf8JsonWriter(buffer, Relaxed)
            : t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        return writer;
    }

    public static byte[] Finish(Utf8JsonWriter writer)
    {
        writer.Flush();
        var buffer = t_buffer!;
        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > RetainedCapacity)
        {
            t_buffer = null;
            t_writer = null;
            t_relaxedWriter = null;
        }

        return bytes;
    }
}
