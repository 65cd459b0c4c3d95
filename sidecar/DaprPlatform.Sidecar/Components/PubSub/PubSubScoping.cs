using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Components.PubSub;

/// <summary>
/// Topic scoping from a pub/sub component's metadata (publishingScopes, subscriptionScopes, allowedTopics,
/// protectedTopics), evaluated for this sidecar's app id the way daprd does.
/// </summary>
public sealed class PubSubScoping
{
    private readonly HashSet<string>? _allowed;
    private readonly HashSet<string> _protected;
    private readonly HashSet<string>? _publish;
    private readonly HashSet<string>? _subscribe;

    private PubSubScoping(HashSet<string>? allowed, HashSet<string> @protected, HashSet<string>? publish, HashSet<string>? subscribe)
    {
        _allowed = allowed;
        _protected = @protected;
        _publish = publish;
        _subscribe = subscribe;
    }

    public static PubSubScoping From(ComponentResource resource, string appId)
    {
        string? Meta(string name) => resource.Metadata.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;
        static HashSet<string>? Topics(string? csv) =>
            string.IsNullOrWhiteSpace(csv) ? null : csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

        return new PubSubScoping(
            Topics(Meta("allowedTopics")),
            Topics(Meta("protectedTopics")) ?? [],
            AppScope(Meta("publishingScopes"), appId),
            AppScope(Meta("subscriptionScopes"), appId));
    }

    public bool CanPublish(string topic) => IsAllowed(topic, _publish);

    public bool CanSubscribe(string topic) => IsAllowed(topic, _subscribe);

    private bool IsAllowed(string topic, HashSet<string>? appTopics)
    {
        if (_allowed is not null && !_allowed.Contains(topic) && appTopics?.Contains(topic) != true)
        {
            return false;
        }

        if (_protected.Contains(topic) && appTopics?.Contains(topic) != true)
        {
            return false;
        }

        return appTopics is null || appTopics.Contains(topic);
    }

    /// <summary>"app1=t1,t2;app2=t3": the topics listed for this app, or null when the app is not listed.</summary>
    private static HashSet<string>? AppScope(string? spec, string appId)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            return null;
        }

        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            var app = eq < 0 ? part : part[..eq];
            if (app == appId)
            {
                return eq < 0 ? [] : part[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            }
        }

        return null;
    }
}
