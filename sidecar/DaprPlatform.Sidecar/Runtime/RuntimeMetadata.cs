using System.Collections.Concurrent;

namespace DaprPlatform.Sidecar.Runtime;

/// <summary>A subscription as /v1.0/metadata reports it.</summary>
public sealed record SubscriptionInfo(
    string PubsubName,
    string Topic,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<(string Match, string Path)> Rules,
    string DeadLetterTopic,
    string Type);

/// <summary>
/// Live runtime facts the metadata API reports and the health API checks, written by the parts that own them
/// (subscriptions by the subscription manager, app readiness by the app channel, workers by the workflow engine).
/// </summary>
public sealed class RuntimeMetadata
{
    private volatile IReadOnlyList<SubscriptionInfo> _subscriptions = [];

    public ConcurrentDictionary<string, string> Extended { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<SubscriptionInfo> Subscriptions => _subscriptions;

    /// <summary>True once components are loaded (outbound health).</summary>
    public bool ComponentsReady { get; set; }

    /// <summary>True once the app port answers, or immediately when there is no app (inbound health).</summary>
    public bool AppReady { get; set; }

    public Func<int> ConnectedWorkflowWorkers { get; set; } = () => 0;

    public void SetSubscriptions(IReadOnlyList<SubscriptionInfo> subscriptions) => _subscriptions = subscriptions;
}
