using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Components.PubSub;

/// <summary>
/// Topic scoping from a pub/sub component's metadata (publishingScopes, subscriptionScopes, allowedTopics,
/// protectedTopics), evaluated for this sidecar's app id as daprd's IsOperationAllowed does (dapr pkg/scopes,
/// pkg/runtime/pubsub/adapter.go).
/// </summary>
public sealed class PubSubScoping
{
    private readonly string[] _allowed;
    private readonly string[] _protected;
    private readonly string[] _publish;
    private readonly string[] _subscribe;

    private PubSubScoping(string[] allowed, string[] @protected, string[] publish, string[] subscribe)
    {
        _allowed = allowed;
        _protected = @protected;
        _publish = publish;
        _subscribe = subscribe;
    }

    public static PubSubScoping From(ComponentResource resource, string appId)
    {
        // daprd finds these metadata names without regard to case.
        string? Meta(string name) => resource.Metadata.LastOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;

        return new PubSubScoping(
            Topics(Meta("allowedTopics")),
            Topics(Meta("protectedTopics")),
            AppTopics(Meta("publishingScopes"), appId),
            AppTopics(Meta("subscriptionScopes"), appId));
    }

    public bool CanPublish(string topic) => IsAllowed(topic, _publish);

    public bool CanSubscribe(string topic) => IsAllowed(topic, _subscribe);

    // A topic outside allowedTopics is refused outright; a protected topic, or any topic when this app has scopes,
    // needs to be in the app's own list.
    private bool IsAllowed(string topic, string[] appTopics)
    {
        if (_allowed.Length > 0 && !_allowed.Contains(topic))
        {
            return false;
        }

        if (!_protected.Contains(topic) && appTopics.Length == 0)
        {
            return true;
        }

        return appTopics.Contains(topic);
    }

    /// <summary>"t1,t2" with spaces removed, duplicates dropped.</summary>
    private static string[] Topics(string? csv) =>
        string.IsNullOrEmpty(csv) ? [] : csv.Replace(" ", "", StringComparison.Ordinal).Split(',').Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// "app1=t1,t2;app2=t3": the topics listed for this app (every entry for it, merged). An entry without '=' is
    /// ignored, and "app1=" scopes app1 to the empty topic name, i.e. to nothing.
    /// </summary>
    private static string[] AppTopics(string? spec, string appId)
    {
        if (string.IsNullOrEmpty(spec))
        {
            return [];
        }

        var topics = new List<string>();
        foreach (var part in spec.Replace(" ", "", StringComparison.Ordinal).Split(';'))
        {
            var pieces = part.Split('=');
            if (pieces.Length < 2 || pieces[0] != appId)
            {
                continue;
            }

            foreach (var topic in pieces[1].Split(','))
            {
                if (!topics.Contains(topic))
                {
                    topics.Add(topic);
                }
            }
        }

        return topics.ToArray();
    }
}
