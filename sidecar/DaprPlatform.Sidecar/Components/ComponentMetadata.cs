using System.Globalization;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Components;

/// <summary>
/// A component's resolved metadata (secret and env references already substituted). Lookups ignore case, as
/// components-contrib's metadata decoding does; a malformed value throws a <see cref="ResourceException"/> that
/// names the file and field.
/// </summary>
public sealed class ComponentMetadata(IReadOnlyDictionary<string, string> values, string sourceFile)
{
    private readonly Dictionary<string, string> _values = new(values, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, string> Values => _values;

    public string? GetString(string name) => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public string GetRequiredString(string name) => GetString(name) ?? throw Invalid(name, "is required");

    public int GetInt(string name, int fallback)
    {
        var raw = GetString(name);
        if (raw is null)
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Invalid(name, $"'{raw}' is not an integer");
    }

    public long GetLong(string name, long fallback)
    {
        var raw = GetString(name);
        if (raw is null)
        {
            return fallback;
        }

        return long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Invalid(name, $"'{raw}' is not an integer");
    }

    public bool GetBool(string name, bool fallback)
    {
        var raw = GetString(name);
        if (raw is null)
        {
            return fallback;
        }

        // Go's strconv.ParseBool, which components-contrib uses, also takes 1/0/t/f.
        return raw.ToLowerInvariant() switch
        {
            "true" or "1" or "t" or "yes" or "y" or "on" => true,
            "false" or "0" or "f" or "no" or "n" or "off" => false,
            _ => throw Invalid(name, $"'{raw}' is not a boolean"),
        };
    }

    /// <summary>A duration as Go writes it ("5s"), or a bare number meaning <paramref name="bareUnit"/>.</summary>
    public TimeSpan GetDuration(string name, TimeSpan fallback, TimeSpan? bareUnit = null)
    {
        var raw = GetString(name);
        if (raw is null)
        {
            return fallback;
        }

        if (GoDuration.TryParse(raw, out var d))
        {
            return d;
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return (bareUnit ?? TimeSpan.FromSeconds(1)) * n;
        }

        throw Invalid(name, $"'{raw}' is not a duration");
    }

    public ResourceException Invalid(string name, string problem) => new(sourceFile, $"spec.metadata.{name}", problem);
}
