using System.Text.Json.Nodes;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>The checks every description (dapr.yaml, compose, each overlay) must pass in the same way.</summary>
public static class DescriptionChecks
{
    public static IReadOnlyList<string> AppIds { get; } = Platform.Apps.Select(a => a.Id).ToList();

    /// <summary>A component an app loads, as the comparison between descriptions sees it.</summary>
    public static string Describe(ComponentResource c) => $"{c.Name} ({c.Type} {c.Version})";

    /// <summary>Each app loads the components its code uses, under their fixed names and of the right building block.</summary>
    public static void ComponentsTheCodeUses(Problems problems, string where, Func<string, LoadedResources> loadFor)
    {
        var expectedCategory = new Dictionary<string, string> { [Platform.StateStore] = "state", [Platform.PubSub] = "pubsub", [Platform.SecretStore] = "secretstores" };
        foreach (var (component, apps) in Platform.ComponentsUsedBy)
        {
            foreach (var app in apps)
            {
                var loaded = loadFor(app).Components.FirstOrDefault(c => c.Name == component);
                problems.Check(loaded is not null, $"{where}: app '{app}' does not load component '{component}', which its code uses");
                problems.Check(loaded is null || loaded.Category == expectedCategory[component], $"{where}: app '{app}': component '{component}' is {loaded?.Type}, not a {expectedCategory[component]} component");
            }
        }
    }

    /// <summary>Every topic the code publishes is subscribed to; every subscribed topic is published by someone.</summary>
    public static void Topics(Problems problems, string where, Func<string, LoadedResources> loadFor)
    {
        var subscriptions = AppIds.SelectMany(app => loadFor(app).Subscriptions.Select(s => (App: app, Sub: s))).ToList();
        foreach (var topic in Platform.CodeTopics)
        {
            problems.Check(subscriptions.Any(s => s.Sub.Topic == topic), $"{where}: topic '{topic}' is published but no Subscription delivers it");
        }

        var published = Platform.CodeTopics.Concat(subscriptions.Select(s => s.Sub.DeadLetterTopic).OfType<string>()).ToHashSet();
        foreach (var (app, sub) in subscriptions)
        {
            problems.Check(published.Contains(sub.Topic), $"{where}: Subscription '{sub.Name}' ({Repo.DisplayMaybe(sub.SourceFile)}) of app '{app}': nobody publishes topic '{sub.Topic}'");
            problems.Check(loadFor(app).Components.Any(c => c.Name == sub.PubsubName && c.Category == "pubsub"),
                $"{where}: Subscription '{sub.Name}' of app '{app}' names pubsub '{sub.PubsubName}', which that app does not load");
        }
    }

    /// <summary>Every app id in scopes, ACL policies and Resiliency targets is one of the platform's apps.</summary>
    public static void AppIdsAreReal(Problems problems, string where, IEnumerable<(string Source, JsonNode? Doc)> documents)
    {
        foreach (var (source, doc) in documents)
        {
            var what = $"{where}: {source}: {doc.Str("kind")} '{doc.Str("metadata", "name")}'";
            foreach (var scope in doc.At("scopes").Strings())
            {
                problems.Check(AppIds.Contains(scope), $"{what}: scope '{scope}' is not an app id");
            }

            foreach (var policy in doc.At("spec", "accessControl", "policies").Items())
            {
                var appId = policy.Str("appId") ?? "";
                problems.Check(AppIds.Contains(appId), $"{what}: access control policy for '{appId}', which is not an app id");
            }

            foreach (var (target, _) in doc.At("spec", "targets", "apps").Props())
            {
                problems.Check(AppIds.Contains(target), $"{what}: resiliency target app '{target}' is not an app id");
            }
        }
    }

    /// <summary>A Configuration's JSON without the given parts, for comparing copies that may differ only there.</summary>
    public static JsonNode? Without(JsonNode? doc, params string[][] paths)
    {
        var copy = doc?.DeepClone();
        foreach (var path in paths)
        {
            if (copy.At(path[..^1]) is JsonObject parent)
            {
                parent.Remove(path[^1]);
            }
        }

        (copy as JsonObject)?.Remove("status");
        return copy;
    }
}
