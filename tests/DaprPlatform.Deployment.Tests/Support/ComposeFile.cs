using System.Text.Json.Nodes;

namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>A daprd container of the compose file, with its command-line flags.</summary>
public sealed record ComposeSidecar(string ServiceName, JsonObject Service, IReadOnlyDictionary<string, string> Flags)
{
    public string? AppId => Flags.GetValueOrDefault("--app-id");
}

/// <summary>docker-compose.yml in its JSON form (as `docker compose config` would read it).</summary>
public sealed class ComposeFile
{
    public const string FileName = "docker-compose.yml";

    private ComposeFile(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public JsonObject Services => Root["services"] as JsonObject ?? [];

    public static ComposeFile Load()
    {
        var path = Repo.Path(FileName);
        Assert.True(File.Exists(path), $"{FileName}: the file does not exist");
        var root = Yaml.ReadSingle(path) as JsonObject;
        Assert.True(root is not null, $"{FileName}: the document is not a mapping");
        return new ComposeFile(root);
    }

    public JsonObject? Service(string name) => Services[name] as JsonObject;

    public IReadOnlyList<ComposeSidecar> Sidecars() => Services
        .Where(s => s.Value.Str("image")?.StartsWith("daprio/daprd", StringComparison.Ordinal) == true)
        .Select(s => new ComposeSidecar(s.Key, (JsonObject)s.Value!, ParseFlags(Command(s.Value))))
        .ToList();

    /// <summary>The command as an argument list (a string command is split on whitespace, as Compose does without a shell).</summary>
    public static IReadOnlyList<string> Command(JsonNode? service) => service.At("command") switch
    {
        JsonArray a => a.Select(i => i?.ToString() ?? "").ToList(),
        JsonValue v => v.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        _ => [],
    };

    public static IReadOnlyDictionary<string, string> ParseFlags(IReadOnlyList<string> args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                continue;
            }

            var name = "--" + arg.TrimStart('-');
            if (name.IndexOf('=') is var eq and > 0)
            {
                flags[name[..eq]] = name[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                flags[name] = args[++i];
            }
            else
            {
                flags[name] = "true";
            }
        }

        return flags;
    }

    /// <summary>The environment as a map (list form "K=V" or mapping form).</summary>
    public static IReadOnlyDictionary<string, string> Environment(JsonNode? service) => service.At("environment") switch
    {
        JsonObject o => o.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? ""),
        JsonArray a => a.Select(i => i?.ToString() ?? "").Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : ""),
        _ => new Dictionary<string, string>(),
    };

    /// <summary>The bind mounts of a service: container path → source as written (relative to the compose file's directory).</summary>
    public static IReadOnlyList<(string Source, string Target)> BindMounts(JsonNode? service, JsonObject topLevelVolumes)
    {
        var mounts = new List<(string, string)>();
        foreach (var volume in service.At("volumes").Items())
        {
            string? source, target;
            if (volume is JsonValue v)
            {
                var parts = v.ToString().Split(':');
                if (parts.Length < 2)
                {
                    continue;
                }

                (source, target) = (parts[0], parts[1]);
            }
            else
            {
                if (volume.Str("type") is { } type && type != "bind")
                {
                    continue;
                }

                (source, target) = (volume.Str("source"), volume.Str("target"));
            }

            if (source is null || target is null || topLevelVolumes.ContainsKey(source))
            {
                continue;
            }

            mounts.Add((source, target));
        }

        return mounts;
    }

    /// <summary>Where, in the repository, the file or directory at <paramref name="containerPath"/> of a service comes from.</summary>
    public string? HostPath(JsonNode? service, string containerPath)
    {
        foreach (var (source, target) in BindMounts(service, Root["volumes"] as JsonObject ?? []).OrderByDescending(m => m.Target.Length))
        {
            var t = target.TrimEnd('/');
            if (containerPath == t || containerPath.StartsWith(t + "/", StringComparison.Ordinal))
            {
                return Path.GetFullPath(Path.Combine(Repo.Root, source) + containerPath[t.Length..]);
            }
        }

        return null;
    }
}
