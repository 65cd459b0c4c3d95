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
        if (TryParse(incomingTraceParent, out var traceId, out var flags))
        {
            return new TraceContext($"00-{traceId}-{NewHex(8)}-{flags}", incomingTraceState ?? "");
        }

        var sampled = samplingRate > 0 && Random.Shared.NextDouble() < samplingRate;
        return new TraceContext($"00-{NewHex(16)}-{NewHex(8)}-{(sampled ? "01" : "00")}", "");
    }

    /// <summary>Accepts a version-00 traceparent with a non-zero trace id and span id.</summary>
    public static bool TryParse(string? traceParent, out string traceId, out string flags)
    {
        traceId = flags = "";
        if (traceParent is null)
        {
            return false;
        }

        var value = traceParent.Trim();
        var parts = value.Split('-');
        if (parts.Length < 4 || parts[0].Length != 2 || parts[0] == "ff" || parts[1].Length != 32 || parts[2].Length != 16 || parts[3].Length != 2)
        {
            return false;
        }

        if (!IsLowerHex(parts[0]) || !IsLowerHex(parts[1]) || !IsLowerHex(parts[2]) || !IsLowerHex(parts[3])
            || parts[1].All(c => c == '0') || parts[2].All(c => c == '0'))
        {
            return false;
        }

        traceId = parts[1];
        flags = parts[3];
        return true;
    }

    private static bool IsLowerHex(string s) => s.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static string NewHex(int bytes)
    {
        // Trace ids must be unique, not secret (W3C Trace Context; .NET's own ActivityTraceId is made the same
        // way). The cryptographic generator would load OpenSSL into every sidecar, about 5 MB of resident memory.
        Span<byte> buffer = stackalloc byte[bytes];
        do
        {
            Random.Shared.NextBytes(buffer);
        }
        while (buffer.IndexOfAnyExcept((byte)0) < 0);

        return Convert.ToHexStringLower(buffer);
    }
}
