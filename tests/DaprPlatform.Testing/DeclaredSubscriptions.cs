using YamlDotNet.RepresentationModel;

namespace DaprPlatform.Testing;

/// <summary>A Subscription of components/subscriptions.yaml, as the sidecars load it.</summary>
public sealed record DeclaredSubscription(
    string Name, string PubsubName, string Topic, string Route, string? DeadLetterTopic, IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<string> Scopes);

public static class DeclaredSubscriptions
{
    public static string FilePath => RepositoryRoot.Combine("components", "subscriptions.yaml");

    /// <summary>The subscriptions scoped to <paramref name="appId"/>.</summary>
    public static IReadOnlyList<DeclaredSubscription> Of(string appId) =>
        [.. Load().Where(s => s.Scopes.Contains(appId))];

    public static IReadOnlyList<DeclaredSubscription> Load()
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(FilePath))
        {
            stream.Load(reader);
        }

        return [.. stream.Documents.Select(document => Read((YamlMappingNode)document.RootNode))];
    }

    private static DeclaredSubscription Read(YamlMappingNode resource)
    {
        if (Scalar(resource, "apiVersion") != "dapr.io/v2alpha1" || Scalar(resource, "kind") != "Subscription")
        {
            throw new InvalidDataException($"{FilePath}: every document must be a dapr.io/v2alpha1 Subscription");
        }

        var spec = (YamlMappingNode)resource["spec"];
        var metadata = spec.Children.TryGetValue("metadata", out var node)
            ? ((YamlMappingNode)node).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value!)
            : [];
        var scopes = resource.Children.TryGetValue("scopes", out var list)
            ? ((YamlSequenceNode)list).Children.Select(s => ((YamlScalarNode)s).Value!).ToList()
            : [];
        return new DeclaredSubscription(
            Scalar((YamlMappingNode)resource["metadata"], "name")!,
            Scalar(spec, "pubsubname")!,
            Scalar(spec, "topic")!,
            Scalar((YamlMappingNode)spec["routes"], "default")!,
            Scalar(spec, "deadLetterTopic"),
            metadata,
            scopes);
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;
}
