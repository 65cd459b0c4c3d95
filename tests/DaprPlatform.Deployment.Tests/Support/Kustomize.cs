using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>One manifest of an overlay's build: its JSON form and its YAML text (for the typed Kubernetes models).</summary>
public sealed record Manifest(JsonObject Json, string YamlText)
{
    public string ApiVersion => Json.Str("apiVersion") ?? "";
    public string Kind => Json.Str("kind") ?? "";
    public string Name => Json.Str("metadata", "name") ?? "";
    public bool IsDapr => ApiVersion.StartsWith("dapr.io/", StringComparison.Ordinal);
    public override string ToString() => $"{Kind}/{Name}";
}

public sealed record OverlayBuild(string Overlay, IReadOnlyList<Manifest> Manifests, string? Error)
{
    public string Where => $"k8s/overlays/{Overlay}";

    public IEnumerable<Manifest> OfKind(string kind) => Manifests.Where(m => m.Kind == kind);

    /// <summary>The overlay's manifests, or a failure naming kubectl's error.</summary>
    public IReadOnlyList<Manifest> Require()
    {
        Assert.True(Error is null, $"{Where}: kubectl kustomize failed: {Error}");
        return Manifests;
    }
}

/// <summary>
/// `kubectl kustomize` of every overlay, run once per test run and shared by every test (kubectl takes a second or two
/// per overlay; the checks are many).
/// </summary>
public static class Kustomize
{
    /// <summary>The overlays the brief requires, plus any other directory under k8s/overlays.</summary>
    public static IReadOnlyList<string> Overlays { get; } = FindOverlays();

    private static readonly ConcurrentDictionary<string, Lazy<OverlayBuild>> Builds = new();

    public static OverlayBuild Build(string overlay) => Builds.GetOrAdd(overlay, o => new Lazy<OverlayBuild>(() => Run(o))).Value;

    public static IEnumerable<OverlayBuild> All() => Overlays.Select(Build);

    private static IReadOnlyList<string> FindOverlays()
    {
        var dir = Repo.Path("k8s", "overlays");
        var found = Directory.Exists(dir) ? Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>() : [];
        return found.Union(["local", "production"]).Order(StringComparer.Ordinal).ToList();
    }

    private static OverlayBuild Run(string overlay)
    {
        var dir = Repo.Path("k8s", "overlays", overlay);
        if (!Directory.Exists(dir))
        {
            return new OverlayBuild(overlay, [], $"k8s/overlays/{overlay} does not exist");
        }

        var result = ProcessRunner.Run("kubectl", ["kustomize", dir]);
        if (result.ExitCode != 0)
        {
            return new OverlayBuild(overlay, [], $"exit code {result.ExitCode}: {result.StandardError.Trim()}");
        }

        var manifests = new List<Manifest>();
        foreach (var text in SplitDocuments(result.StandardOutput))
        {
            if (Yaml.ParseAll(text, $"kubectl kustomize k8s/overlays/{overlay}").SingleOrDefault() is JsonObject json)
            {
                manifests.Add(new Manifest(json, text));
            }
        }

        return new OverlayBuild(overlay, manifests, null);
    }

    private static IEnumerable<string> SplitDocuments(string stream)
    {
        var current = new System.Text.StringBuilder();
        foreach (var line in stream.Split('\n'))
        {
            if (line.TrimEnd('\r') == "---")
            {
                yield return current.ToString();
                current.Clear();
                continue;
            }

            current.Append(line).Append('\n');
        }

        yield return current.ToString();
    }
}
