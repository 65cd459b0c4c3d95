using System.Globalization;

namespace DaprPlatform.Cli.Arguments;

/// <summary>The flags given on a command line (by long name) and the positional arguments.</summary>
internal sealed class ParsedArguments(
    IReadOnlyDictionary<string, List<string>> values,
    IReadOnlyList<string> positionals,
    IReadOnlyList<FlagSpec> flags)
{
    /// <summary>Everything after <c>--</c>, or from the first positional argument on (the app command for run).</summary>
    public IReadOnlyList<string> Positionals { get; } = positionals;

    /// <summary>Long names of the flags that were given, in no particular order.</summary>
    public IEnumerable<string> Given => values.Keys;

    public bool Has(string name) => values.ContainsKey(name);

    public string? String(string name) => values.TryGetValue(name, out var v) ? v[^1] : null;

    public int? Int(string name) =>
        String(name) is { } raw ? int.Parse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    public bool Bool(string name) => String(name) is { } raw && bool.Parse(raw);

    public IReadOnlyList<string> List(string name) =>
        values.TryGetValue(name, out var v)
            ? v.SelectMany(item => item.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList()
            : [];

    public FlagSpec Spec(string name) => flags.First(f => f.Name == name);
}
