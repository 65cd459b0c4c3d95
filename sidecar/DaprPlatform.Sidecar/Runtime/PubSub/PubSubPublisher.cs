using System.Diagnostics;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>The pub/sub component named in a publish is not loaded.</summary>
public sealed class PubSubNotFoundException(string pubsubName) : Exception($"pubsub '{pubsubName}' not found"), IPermanentFailure
{
    public string PubsubName { get; } = pubsubName;
}

/// <summary>The component's topic scoping does not let this app publish to the topic.</summary>
public sealed class PubSubForbiddenException(string topic, string appId)
    : Exception($"topic {topic} is not allowed for app id {appId}"), IPermanentFailure;

/// <summary>
/// daprd's publish adapter: the one path every publish takes (the publish API, bulk publish, dead-lettering), so
/// scoping and the component's outbound resiliency policy apply to all of them alike.
/// </summary>
public sealed class PubSubPublisher(StartupComponents components, IResiliencyProvider resiliency, SidecarMetrics metrics, SidecarOptions options)
{
    /// <exception cref="PubSubNotFoundException">No such pub/sub component.</exception>
    /// <exception cref="PubSubForbiddenException">Publishing to the topic is not allowed for this app.</exception>
    public async Task PublishAsync(string pubsubName, PublishRequest request, CancellationToken cancellationToken)
    {
        var entry = Resolve(pubsubName, request.Topic);
        var started = Stopwatch.GetTimestamp();
        var success = false;
        try
        {
            await resiliency.ComponentOutbound(pubsubName).ExecuteAsync(async ct =>
            {
                await entry.PubSub.PublishAsync(request, ct);
                return true;
            }, cancellationToken);
            success = true;
        }
        finally
        {
            // dapr_component_pubsub_egress_*: only for a component that exists, so bogus names add no series.
            metrics.RecordPublish(pubsubName, request.Topic, success, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>The component to publish to, after the checks daprd's adapter makes.</summary>
    public PubSubEntry Resolve(string pubsubName, string topic)
    {
        if (!components.Registry.PubSubs.TryGetValue(pubsubName, out var entry))
        {
            throw new PubSubNotFoundException(pubsubName);
        }

        if (!entry.Scoping.CanPublish(topic))
        {
            throw new PubSubForbiddenException(topic, options.AppId);
        }

        return entry;
    }
}
