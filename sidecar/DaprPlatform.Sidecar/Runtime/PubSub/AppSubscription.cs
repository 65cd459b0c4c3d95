namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>A routing rule; a rule without <see cref="Match"/> always matches (a subscription's default route).</summary>
public sealed record SubscriptionRule(RouteExpression? Match, string Path)
{
    /// <summary>daprd's CreateRoutingRule: a blank match means "always".</summary>
    /// <exception cref="FormatException">The match expression is not valid.</exception>
    public static SubscriptionRule Create(string? match, string path) =>
        new(string.IsNullOrWhiteSpace(match) ? null : RouteExpression.Parse(match.Trim()), path);
}

/// <summary>bulkSubscribe settings of a subscription.</summary>
public sealed record BulkSubscribeOptions(bool Enabled, int MaxMessagesCount, int MaxAwaitDurationMs);

/// <summary>How daprd learned about a subscription, as /v1.0/metadata reports it.</summary>
public static class SubscriptionTypes
{
    public const string Declarative = "DECLARATIVE";
    public const string Programmatic = "PROGRAMMATIC";
}

/// <summary>
/// One topic subscription of this app: where events go (rules in order, the default route last), where events that
/// cannot be delivered go (<see cref="DeadLetterTopic"/>), and the metadata handed to the component.
/// </summary>
public sealed record AppSubscription(
    string PubsubName,
    string Topic,
    IReadOnlyList<SubscriptionRule> Rules,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    BulkSubscribeOptions? BulkSubscribe,
    string Type)
{
    /// <summary>The first rule whose match is true for the event; null when none matches.</summary>
    public SubscriptionRule? FindRoute(System.Text.Json.JsonElement cloudEvent)
    {
        foreach (var rule in Rules)
        {
            if (rule.Match is null || rule.Match.Matches(cloudEvent))
            {
                return rule;
            }
        }

        return null;
    }

    public SubscriptionInfo ToInfo() => new(
        PubsubName,
        Topic,
        Metadata,
        Rules.Select(r => (r.Match?.Text ?? "", r.Path)).ToList(),
        DeadLetterTopic ?? "",
        Type);
}
