namespace DaprPlatform.Cli.RunFile;

/// <summary>A run file that cannot be used; the message names the file, the field and what is wrong.</summary>
internal sealed class RunFileException(string file, string field, string problem, int? line = null)
    : Exception(line is { } l ? $"{file}: {field}: {problem} (line {l})" : $"{file}: {field}: {problem}")
{
    public string File { get; } = file;

    public string Field { get; } = field;
}
