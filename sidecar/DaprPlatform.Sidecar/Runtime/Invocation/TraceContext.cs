using System.Security.Cryptography;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// A W3C Trace Context span (<c>traceparent: 00-{trace-id}-{span-id}-{flags}</c>). Each sidecar hop is a new span
/// of the caller's trace, so the trace id travels unchanged while the span id changes per hop; a request without
/// a valid traceparent starts a new trace, sampled at the Configuration's tracing.samplingRate.
/// </summary>
public readonly record struct TraceContext(string TraceId, string SpanId, string Flags)
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public override string ToString() => $"00-{TraceId}-{SpanId}-{Flags}";

    /// <summary>A child span of the incoming traceparent, or the root of a new trace when there is none (or it is invalid).</summary>
    public static TraceContext ChildOf(string? traceParent, double samplingRate)
    {
        if (TryParse(traceParent, out var parent))
        {
            return parent with { SpanId = NewId(8) };
        }

        var sampled = samplingRate >= 1 || (samplingRate > 0 && Random.Shared.NextDouble() < samplingRate);
        return new TraceContext(NewId(16), NewId(8), sampled ? "01" : "00");
    }

    /// <summary>Parses a traceparent; version ff, malformed ids and all-zero ids are invalid per the W3C spec.</summary>
    public static bool TryParse(string? value, out TraceContext context)
    {
        context = default;
        if (value is null)
        {
            return false;
        }

        var text = value.Trim();
        // Future versions may append fields after the flags; version 00 must be exactly 55 characters.
        if (text.Length < 55 || text[2] != '-' || text[35] != '-' || text[52] != '-' || (text.Length > 55 && text[55] != '-'))
        {
            return false;
        }

        var version = text[..2];
        var traceId = text[3..35];
        var spanId = text[36..52];
        var flags = text[53..55];
        if (!IsLowerHex(version) || version == "ff" || (version == "00" && text.Length != 55)
            || !IsLowerHex(traceId) || !IsLowerHex(spanId) || !IsLowerHex(flags)
            || traceId.All(c => c == '0') || spanId.All(c => c == '0'))
        {
            return false;
        }

        context = new TraceContext(traceId, spanId, flags);
        return true;
    }

    private static bool IsLowerHex(string text) => text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static string NewId(int bytes)
    {
        Span<byte> buffer = stackalloc byte[16];
        do
        {
            RandomNumberGenerator.Fill(buffer[..bytes]);
        }
        while (buffer[..bytes].IndexOfAnyExcept((byte)0) < 0);

        return Convert.ToHexStringLower(buffer[..bytes]);
    }
}
