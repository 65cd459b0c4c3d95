namespace DaprPlatform.Deployment.Tests.Support;

public sealed record DockerInstruction(string Name, string Arguments);

public sealed record DockerStage(string From, string? Alias, List<DockerInstruction> Instructions);

/// <summary>A Dockerfile as its stages and instructions (continuation lines joined, comments dropped).</summary>
public sealed record Dockerfile(IReadOnlyList<DockerStage> Stages)
{
    public static Dockerfile Parse(string text)
    {
        var stages = new List<DockerStage>();
        var logical = new List<string>();
        var current = "";
        foreach (var raw in text.Replace("\r", "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') && current.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }

            current += line;
            if (current.Trim().Length > 0)
            {
                logical.Add(current.Trim());
            }

            current = "";
        }

        foreach (var line in logical)
        {
            var space = line.IndexOf(' ');
            var name = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var args = space < 0 ? "" : line[(space + 1)..].Trim();
            if (name == "FROM")
            {
                var words = args.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                stages.Add(new DockerStage(words[0], words.Length >= 3 ? words[2] : null, []));
            }
            else if (stages.Count > 0)
            {
                stages[^1].Instructions.Add(new DockerInstruction(name, args));
            }
        }

        return new Dockerfile(stages);
    }
}
