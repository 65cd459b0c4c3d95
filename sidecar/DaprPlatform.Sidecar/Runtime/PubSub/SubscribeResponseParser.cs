using System.Text.Json;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// Reads the app's <c>GET /dapr/subscribe</c> answer as daprd's GetSubscriptionsHTTP does: a JSON array of items in
/// the v1 form (<c>route</c>) or the v2 form (<c>routes.rules</c> + <c>routes.default</c>). Keys match without regard
/// to case, as Go's encoding/json does (the .NET SDK writes <c>pubsubName</c>); unknown keys are ignored; a value of
/// the wrong JSON type fails the whole answer. Items that end up with no route are left out.
/// </summary>
public static class SubscribeResponseParser
{
    /// <exception cref="FormatException">The body is not a valid answer, or a match expression is invalid.</exception>
    public static IReadOnlyList<AppSubscription> Parse(ReadOnlySpan<byte> body, out IReadOnlyList<string> withoutRoutes)
    {
        var dropped = new List<string>();
        withoutRoutes = dropped;
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return [];
        }

        if (!CloudEvents.TryReadFirstJsonValue(body, out var document))
        {
            throw new FormatException("error getting topics from app: the response is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"error getting topics from app: expected a JSON array, got {root.ValueKind}");
            }

            var subscriptions = new List<AppSubscription>();
            foreach (var item in root.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                var subscription = ParseItem(Object(item, "subscription"));
                if (subscription.Rules.Count == 0)
                {
                    dropped.Add(subscription.Topic);
                    continue;
                }

                subscriptions.Add(subscription);
            }

            return subscriptions;
        }
    }

    private static AppSubscription ParseItem(JsonElement item)
    {
        var rules = new List<SubscriptionRule>();
        string? defaultRoute = null;
        if (Find(item, "routes") is { ValueKind: not JsonValueKind.Null } routes)
        {
            Object(routes, "routes");
            if (Find(routes, "rules") is { ValueKind: not JsonValueKind.Null } ruleArray)
            {
                if (ruleArray.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException("error getting topics from app: routes.rules must be an array");
                }

                foreach (var rule in ruleArray.EnumerateArray())
                {
                    if (rule.ValueKind == JsonValueKind.Null)
                    {
                        continue;
                    }

                    Object(rule, "routes.rules[]");
                    rules.Add(SubscriptionRule.Create(String(rule, "match"), String(rule, "path") ?? ""));
                }
            }

            defaultRoute = String(routes, "default");
        }

        // The default route (or else the v1 single route) is the last rule, which always matches.
        var route = String(item, "route");
        if (!string.IsNullOrEmpty(defaultRoute))
        {
            rules.Add(new SubscriptionRule(null, defaultRoute));
        }
        else if (!string.IsNullOrEmpty(route))
        {
            rules.Add(new SubscriptionRule(null, route));
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Find(item, "metadata") is { ValueKind: not JsonValueKind.Null } md)
        {
            foreach (var property in Object(md, "metadata").EnumerateObject())
            {
                metadata[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Null => "",
                    _ => throw new FormatException($"error getting topics from app: metadata.{property.Name} must be a string"),
                };
            }
        }

        BulkSubscribeOptions? bulk = null;
        if (Find(item, "bulkSubscribe") is { ValueKind: not JsonValueKind.Null } bulkElement)
        {
            Object(bulkElement, "bulkSubscribe");
            bulk = new BulkSubscribeOptions(
                Bool(bulkElement, "enabled"),
                Int(bulkElement, "maxMessagesCount"),
                Int(bulkElement, "maxAwaitDurationMs"));
        }

        var deadLetter = String(item, "deadLetterTopic");
        return new AppSubscription(
            String(item, "pubsubname") ?? "",
            String(item, "topic") ?? "",
            rules,
            string.IsNullOrEmpty(deadLetter) ? null : deadLetter,
            metadata,
            bulk,
            SubscriptionTypes.Programmatic);
    }

    // Go's decoder sets a field from every key equal to its name without regard to case, so the last one wins.
    private static JsonElement? Find(JsonElement obj, string name)
    {
        JsonElement? found = null;
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                found = property.Value;
            }
        }

        return found;
    }

    private static JsonElement Object(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object
            ? element
            : throw new FormatException($"error getting topics from app: {what} must be a JSON object, got {element.ValueKind}");

    private static string? String(JsonElement obj, string name) => Find(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw new FormatException($"error getting topics from app: {name} must be a string"),
    };

    private static bool Bool(JsonElement obj, string name) => Find(obj, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => false,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw new FormatException($"error getting topics from app: {name} must be a boolean"),
    };

    private static int Int(JsonElement obj, string name) => Find(obj, name) switch
    {
        null or { ValueKind: JsonValueKind.Null } => 0,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var n) => n,
        _ => throw new FormatException($"error getting topics from app: {name} must be a 32-bit integer"),
    };
}
