using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// Combines declarative and programmatic subscriptions as daprd's component store lists them for a pub/sub: one
/// subscription per (pubsub, topic); among declarative ones the first wins, and a programmatic one replaces a
/// declarative one for the same topic.
/// </summary>
public static class SubscriptionSet
{
    /// <exception cref="FormatException">A rule's match expression is not valid.</exception>
    public static AppSubscription FromResource(SubscriptionResource resource)
    {
        var rules = resource.Rules.Select(r => SubscriptionRule.Create(r.Match, r.Path)).ToList();
        if (!string.IsNullOrEmpty(resource.DefaultRoute))
        {
            rules.Add(new SubscriptionRule(null, resource.DefaultRoute));
        }

        return new AppSubscription(
            resource.PubsubName,
            resource.Topic,
            rules,
            string.IsNullOrEmpty(resource.DeadLetterTopic) ? null : resource.DeadLetterTopic,
            resource.Metadata,
            resource.BulkSubscribeEnabled ? new BulkSubscribeOptions(true, resource.BulkMaxMessagesCount, resource.BulkMaxAwaitDurationMs) : null,
            SubscriptionTypes.Declarative);
    }

    public static IReadOnlyList<AppSubscription> Merge(IEnumerable<AppSubscription> declarative, IEnumerable<AppSubscription> programmatic)
    {
        var merged = new List<AppSubscription>();
        var index = new Dictionary<(string, string), int>();
        foreach (var subscription in declarative)
        {
            if (index.TryAdd((subscription.PubsubName, subscription.Topic), merged.Count))
            {
                merged.Add(subscription);
            }
        }

        foreach (var subscription in programmatic)
        {
            var key = (subscription.PubsubName, subscription.Topic);
            if (index.TryGetValue(key, out var at))
            {
                merged[at] = subscription;
            }
            else
            {
                index[key] = merged.Count;
                merged.Add(subscription);
            }
        }

        return merged;
    }
}
