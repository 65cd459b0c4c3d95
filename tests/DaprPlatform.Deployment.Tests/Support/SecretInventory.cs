using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>Which secrets exist in each description, read from what creates them (nothing here holds a value).</summary>
public static partial class SecretInventory
{
    public const string ComposeSecretsDir = "deploy/compose/secrets";
    public const string LocalSecretsScript = "k8s/overlays/local/create-secrets.sh";
    public const string ProductionReadme = "k8s/overlays/production/README.md";

    /// <summary>The keys `./dapr-dev up` writes to its secrets file, read by running the CLI's own writer.</summary>
    public static IReadOnlySet<string> DaprDevUpKeys()
    {
        var type = Assembly.Load("dapr-dev").GetType("DaprPlatform.Cli.Platform.PlatformSecrets", throwOnError: true)!;
        var write = type.GetMethod("Write", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
        var dir = Directory.CreateTempSubdirectory("deployment-tests-secrets-");
        try
        {
            var path = (string)write.Invoke(null, [dir.FullName, "Host=localhost;Port=5432;Username=u;Password=p"])!;
            return FlattenKeys(JsonNode.Parse(File.ReadAllText(path))).Where(k => !k.StartsWith('_')).ToHashSet(StringComparer.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The "Section:Key" names the compose secrets generator writes into secrets.json: its JSON is written by a shell
    /// script, so a name counts when the script has the section as a JSON key and the key as a JSON key after it.
    /// </summary>
    public static IReadOnlySet<string> ComposeGeneratorKeys(IEnumerable<string> wanted, out string script)
    {
        var dir = Repo.Path(ComposeSecretsDir);
        Assert.True(Directory.Exists(dir), $"{ComposeSecretsDir}: the secrets generator's directory does not exist");
        var files = Directory.GetFiles(dir).Where(f => !f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).ToList();
        script = string.Join(", ", files.Select(Repo.Display));
        var text = string.Join("\n", files.Select(File.ReadAllText));
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in wanted)
        {
            var parts = name.Split(':');
            var position = 0;
            var all = true;
            foreach (var part in parts)
            {
                var match = new Regex($"\\\\?\"{Regex.Escape(part)}\\\\?\"\\s*:").Match(text, position);
                if (!match.Success)
                {
                    all = false;
                    break;
                }

                position = match.Index + match.Length;
            }

            if (all)
            {
                found.Add(name);
            }
        }

        return found;
    }

    /// <summary>Secret name → data keys, from each `kubectl create secret generic NAME --from-literal=KEY=…` in the script.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> LocalClusterSecrets()
    {
        var text = Repo.ReadRequired(LocalSecretsScript);
        // Continuation lines make one command of several lines.
        var joined = ContinuationPattern().Replace(text, " ");
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (Match command in CreateSecretPattern().Matches(joined))
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match key in FromPattern().Matches(command.Groups["rest"].Value))
            {
                keys.Add(key.Groups["key"].Value);
            }

            result[command.Groups["name"].Value] = keys;
        }

        return result;
    }

    /// <summary>Secret name → data keys, from the `| secret | keys |` table of the production overlay's README.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ProductionSecrets()
    {
        var lines = Repo.ReadRequired(ProductionReadme).Split('\n').Select(l => l.Trim()).ToList();
        var header = lines.FindIndex(l => HeaderPattern().IsMatch(l));
        Assert.True(header >= 0, $"{ProductionReadme}: no table with the header `| secret | keys |`");
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var name = cells[0].Trim('`', ' ');
            var keys = cells.Length > 1
                ? cells[1].Split([',', ' ', '<', '>', '/'], StringSplitOptions.RemoveEmptyEntries).Select(k => k.Trim('`')).Where(k => k.Length > 0 && k != "br").ToHashSet(StringComparer.Ordinal)
                : [];
            result[name] = keys;
        }

        return result;
    }

    private static IEnumerable<string> FlattenKeys(JsonNode? node, string prefix = "")
    {
        if (node is JsonObject o)
        {
            return o.SelectMany(p => FlattenKeys(p.Value, prefix.Length == 0 ? p.Key : $"{prefix}:{p.Key}"));
        }

        return [prefix];
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex ContinuationPattern();

    [GeneratedRegex(@"kubectl\s+(?:-n\s+\S+\s+|--namespace[= ]\S+\s+)?create\s+secret\s+generic\s+(?<name>[a-z0-9.-]+)(?<rest>[^\n]*)")]
    private static partial Regex CreateSecretPattern();

    [GeneratedRegex(@"--from-(?:literal|file)[= ]['""]?(?<key>[A-Za-z0-9._-]+)=")]
    private static partial Regex FromPattern();

    [GeneratedRegex(@"^\|\s*secret\s*\|\s*keys\s*\|", RegexOptions.IgnoreCase)]
    private static partial Regex HeaderPattern();
}
