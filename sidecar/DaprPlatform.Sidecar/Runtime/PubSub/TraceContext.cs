namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// The W3C trace context of one operation (<c>traceparent</c> "00-{trace-id}-{span-id}-{flags}" plus
/// <c>tracestate</c>). daprd starts a span for each API call: a child of the caller's traceparent when one came in,
/// otherwise a new trace, sampled by the configured rate.
/// </summary>
public sealed record TraceContext(string TraceParent, string TraceState)
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    /// <summary>A span for a request that carried <paramref name="incomingTraceParent"/> (or none).</summary>
    public static TraceContext ChildOf(string? incomingTraceParent, string? incomingTraceState, double samplingRate)
    {
        // Runs for every API call: the traceparent is checked and written in place, without splitting it.
        Span<char> traceParent = stackalloc char[TraceParentLength];
        if (TryLocate(incomingTraceParent, out var traceId, out var flags))
        {
            Write(traceParent, traceId, flags);
            return new TraceContext(new string(traceParent), incomingTraceState ?? "");
        }

        var sampled = samplingRate > 0 && Random.Shared.NextDouble() < samplingRate;
        Span<char> newTraceId = stackalloc char[TraceIdLength];
        WriteRandomHex(newTraceId);
        Write(traceParent, newTraceId, sampled ? "01" : "00");
        return new TraceContext(new string(traceParent), "");
    }

    /// <summary>Accepts a version-00 traceparent with a non-zero trace id and span id.</summary>
    public static bool TryParse(string? traceParent, out string traceId, out string flags)
    {
        var valid = TryLocate(traceParent, out var id, out var traceFlags);
        traceId = valid ? id.ToString() : "";
        flags = valid ? traceFlags.ToString() : "";
        return valid;
    }

    /// <summary>Whether <paramref name="traceParent"/> is one <see cref="TryParse"/> accepts (checked without allocating).</summary>
    public static bool IsValid(string? traceParent) => TryLocate(traceParent, out _, out _);

    private const int TraceIdLength = 32;
    private const int SpanIdLength = 16;
    private const int TraceParentLength = 3 + TraceIdLength + 1 + SpanIdLength + 3;

    // "vv-{32 hex}-{16 hex}-ff": lower-case hex, version not ff, trace id and span id not all zeros; a later
    // version may append "-..." fields, version 00 may not (W3C Trace Context, 4.3).
    private static bool TryLocate(string? traceParent, out ReadOnlySpan<char> traceId, out ReadOnlySpan<char> flags)
    {
        traceId = flags = default;
        if (traceParent is null)
        {
            return false;
        }

        var value = traceParent.AsSpan().Trim();
        if (value.Length < TraceParentLength
            || (value.Length > TraceParentLength && (value[TraceParentLength] != '-' || value.StartsWith("00")))
            || value[2] != '-' || value[35] != '-' || value[52] != '-')
        {
            return false;
        }

        var version = value[..2];
        var id = value.Slice(3, TraceIdLength);
        var span = value.Slice(36, SpanIdLength);
        var traceFlags = value.Slice(53, 2);
        if (!IsLowerHex(version) || version is "ff" || !IsLowerHex(id) || !IsLowerHex(span) || !IsLowerHex(traceFlags)
            || id.IndexOfAnyExcept('0') < 0 || span.IndexOfAnyExcept('0') < 0)
        {
            return false;
        }

        traceId = id;
        flags = traceFlags;
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> s) => s.IndexOfAnyExcept("0123456789abcdef") < 0;

    private static void Write(Span<char> traceParent, ReadOnlySpan<char> traceId, ReadOnlySpan<char> flags)
    {
        "00-".CopyTo(traceParent);
        traceId.CopyTo(traceParent[3..]);
        traceParent[35] = '-';
        WriteRandomHex(traceParent.Slice(36, SpanIdLength));
        traceParent[52] = '-';
        flags.CopyTo(traceParent[53..]);
    }

    private static void WriteRandomHex(Span<char> destination)
    {
        // Trace ids must be unique, not secret (W3C Trace Context; .NET's own ActivityTraceId is made the same
        // way). The cryptographic generator would load OpenSSL into every sidecar, about 5 MB of resident memory.
        Span<byte> buffer = stackalloc byte[destination.Length / 2];
        do
        {
            Random.Shared.NextBytes(buffer);
        }
        while (buffer.IndexOfAnyExcept((byte)0) < 0);

        Convert.TryToHexStringLower(buffer, destination, out _);
    }
}
