using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// Turns endpoints carrying <see cref="TopicAttribute"/> into daprd's programmatic subscriptions, one entry per
/// pubsub+topic: the v1 <c>route</c> form when no rule has a match expression, else the v2 <c>routes</c> form.
/// </summary>
internal static class SubscriptionCollector
{
    public static List<DaprSubscription> Collect(IEnumerable<Endpoint> endpoints)
    {
        var byTopic = new Dictionary<(string Pubsub, string Topic), List<TopicRoute>>();
        var order = 0;
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            var topics = endpoint.Metadata.GetOrderedMetadata<TopicAttribute>();
            if (topics.Count == 0)
            {
                continue;
            }

            var path = GetPath(endpoint);
            var endpointMetadata = endpoint.Metadata.GetOrderedMetadata<TopicMetadataAttribute>();
            foreach (var topic in topics)
            {
                var key = (topic.PubsubName, topic.Name);
                if (!byTopic.TryGetValue(key, out var routes))
                {
                    byTopic[key] = routes = [];
                }

                routes.Add(new TopicRoute(topic, path, MergeMetadata(endpointMetadata, topic.Metadata), order++));
            }
        }

        return byTopic.Select(pair => ToSubscription(pair.Key.Pubsub, pair.Key.Topic, pair.Value)).ToList();
    }

    private static DaprSubscription ToSubscription(string pubsub, string topic, List<TopicRoute> routes)
    {
        var defaults = routes.Where(route => string.IsNullOrEmpty(route.Topic.Match)).ToList();
        if (defaults.Count > 1)
        {
            throw new InvalidOperationException(
                $"Topic '{topic}' on pubsub '{pubsub}' has several routes without a match rule ({string.Join(", ", defaults.Select(d => d.Path))}); only one can be the default.");
        }

        var deadLetterTopics = routes.Select(route => route.Topic.DeadLetterTopic).Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal).ToList();
        if (deadLetterTopics.Count > 1)
        {
            throw new InvalidOperationException(
                $"Topic '{topic}' on pubsub '{pubsub}' declares different dead-letter topics ({string.Join(", ", deadLetterTopics)}); daprd allows one per subscription.");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            foreach (var (name, value) in route.Metadata)
            {
                metadata[name] = value;
            }
        }

        var rules = routes
            .Where(route => !string.IsNullOrEmpty(route.Topic.Match))
            .OrderBy(route => route.Topic.Priority)
            .ThenBy(route => route.Order)
            .Select(route => new DaprSubscriptionRule(route.Topic.Match!, route.Path))
            .ToList();

        var defaultPath = defaults.FirstOrDefault()?.Path;
        return new DaprSubscription(
            pubsub,
            topic,
            Route: rules.Count == 0 ? defaultPath : null,
            Routes: rules.Count == 0 ? null : new DaprSubscriptionRoutes(rules, defaultPath),
            DeadLetterTopic: deadLetterTopics.FirstOrDefault(),
            Metadata: metadata.Count == 0 ? null : metadata);
    }

    private static string GetPath(RouteEndpoint endpoint)
    {
        var pattern = endpoint.RoutePattern;
        if (pattern.Parameters.Count > 0)
        {
            throw new InvalidOperationException(
                $"Endpoint '{endpoint.DisplayName}' subscribes to a topic but its route '{pattern.RawText}' has parameters; daprd delivers to a fixed path.");
        }

        var raw = pattern.RawText
            ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' subscribes to a topic but has no route template.");
        return "/" + raw.TrimStart('~').TrimStart('/');
    }

    private static Dictionary<string, string> MergeMetadata(IReadOnlyList<TopicMetadataAttribute> endpointMetadata, IReadOnlyDictionary<string, string> topicMetadata)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in endpointMetadata)
        {
            merged[entry.Name] = entry.Value;
        }

        foreach (var (name, value) in topicMetadata)
        {
            merged[name] = value;
        }

        return merged;
    }

    private sealed record TopicRoute(TopicAttribute Topic, string Path, Dictionary<string, string> Metadata, int Order);
}
