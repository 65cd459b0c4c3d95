namespace DaprPlatform.Cli.Infra;

/// <summary>Reads the <c>export KEY='value'</c> lines infra/start.sh writes to infra.env.</summary>
internal static class InfraEnvFile
{
    public static Dictionary<string, string> Read(string path)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in File.ReadLines(path))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=');
            if (line.StartsWith('#') || equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..];
            if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            variables[line[..equals]] = value;
        }

        return variables;
    }
}
