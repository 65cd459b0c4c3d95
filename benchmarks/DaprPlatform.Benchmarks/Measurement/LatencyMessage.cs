using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>
/// The pub/sub benchmark's message: <c>{"sentAt":&lt;Stopwatch timestamp&gt;,"phase":0|1,"pad":"..."}</c> padded to
/// a size. <see cref="Stopwatch"/> reads CLOCK_MONOTONIC on Linux, which all processes of the machine share, so the
/// receiving process can subtract <c>sentAt</c> from its own clock. Phase 0 marks warmup messages, which are not measured.
/// </summary>
public static class LatencyMessage
{
    public const int WarmupPhase = 0;
    public const int MeasuredPhase = 1;

    private static readonly byte[] SentAtName = "sentAt"u8.ToArray();
    private static readonly byte[] PhaseName = "phase"u8.ToArray();

    public static byte[] Create(int phase, int size)
    {
        var head = $"{{\"sentAt\":{Stopwatch.GetTimestamp()},\"phase\":{phase},\"pad\":\"";
        var padding = Math.Max(0, size - head.Length - 2);
        var builder = new StringBuilder(size).Append(head).Append('x', padding).Append("\"}");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>Finds sentAt and phase anywhere in the JSON (at the top, or under a CloudEvent's <c>data</c>).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out long sentAt, out int phase)
    {
        sentAt = 0;
        phase = -1;
        var found = 0;
        var reader = new Utf8JsonReader(json);
        try
        {
            while (found < 2 && reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                // TryGetInt64 throws on a non-number token, so check the token first.
                if (reader.ValueTextEquals(SentAtName) && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out sentAt))
                {
                    found++;
                }
                else if (reader.ValueTextEquals(PhaseName) && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out phase))
                {
                    found++;
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }

        return found == 2;
    }
}
