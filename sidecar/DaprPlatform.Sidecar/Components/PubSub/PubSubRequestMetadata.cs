using System.Globalization;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Components.PubSub;

/// <summary>
/// The well-known per-request pub/sub metadata keys, read the way components-contrib's metadata package reads them
/// (TryGetTTL, TryGetPriority, IsRawPayload), so runtime and components agree on what a value means.
/// </summary>
public static class PubSubRequestMetadata
{
    public const string RawPayload = "rawPayload";
    public const string TtlInSeconds = "ttlInSeconds";
    public const string Ttl = "ttl";
    public const string Priority = "priority";

    /// <summary>
    /// "ttl" or "ttlInSeconds" (any case): a Go duration ("90s") or a whole number of seconds &gt; 0. A negative
    /// duration counts as zero. Returns false when absent; <paramref name="error"/> is set when present but invalid.
    /// </summary>
    public static bool TryGetTtl(IReadOnlyDictionary<string, string> metadata, out TimeSpan ttl, out string? error)
    {
        ttl = TimeSpan.Zero;
        error = null;
        var value = Lookup(metadata, Ttl) ?? Lookup(metadata, TtlInSeconds);
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (GoDuration.TryParse(value, out var duration))
        {
            ttl = duration < TimeSpan.Zero ? TimeSpan.Zero : duration;
            return true;
        }

        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            error = $"ttl value must be a valid integer: actual is '{value}'";
            return false;
        }

        if (seconds <= 0)
        {
            error = $"ttl value must be higher than zero: actual is '{seconds}'";
            return false;
        }

        ttl = seconds >= TimeSpan.MaxValue.TotalSeconds ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>"priority" (exact key): an integer clamped to 0..255.</summary>
    public static bool TryGetPriority(IReadOnlyDictionary<string, string> metadata, out byte priority, out string? error)
    {
        priority = 0;
        error = null;
        if (!metadata.TryGetValue(Priority, out var value) || value.Length == 0)
        {
            return false;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            error = $"priority value must be a valid integer: actual is '{value}'";
            return false;
        }

        priority = (byte)Math.Clamp(n, 0, 255);
        return true;
    }

    /// <summary>"rawPayload" (exact key) parsed like Go's strconv.ParseBool; anything else is an error.</summary>
    public static bool IsRawPayload(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(RawPayload, out var value) || value.Length == 0)
        {
            return false;
        }

        return ParseGoBool(value) ?? throw new FormatException($"rawPayload value must be a valid boolean: actual is '{value}'");
    }

    /// <summary>Go's strconv.ParseBool: 1, t, T, TRUE, true, True and their false counterparts; null otherwise.</summary>
    public static bool? ParseGoBool(string value) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };

    /// <summary>
    /// The value under <paramref name="key"/>: the exact key first, else one equal to it without regard to case (how
    /// components-contrib and mapstructure find metadata). Null when absent.
    /// </summary>
    public static string? Lookup(IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (metadata.TryGetValue(key, out var exact))
        {
            return exact;
        }

        foreach (var (k, v) in metadata)
        {
            if (string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }
}
