namespace DaprPlatform.Cli.Arguments;

internal enum FlagKind
{
    String,
    Int,
    Bool,

    /// <summary>Repeatable; each value may also be a comma-separated list (cobra's StringSlice).</summary>
    StringList,
}

/// <summary>One command-line flag: <c>--name</c>, optionally <c>-s</c>, and the help line for the usage text.</summary>
internal sealed record FlagSpec(string Name, char? Short, FlagKind Kind, string Help, string? DefaultText = null)
{
    public string Display => Short is { } s ? $"-{s}, --{Name}" : $"    --{Name}";
}
