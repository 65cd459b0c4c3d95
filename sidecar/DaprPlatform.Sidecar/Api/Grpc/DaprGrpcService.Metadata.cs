using System.Globalization;
using DaprPlatform.Sidecar.Grpc.Runtime;

namespace DaprPlatform.Sidecar.Api.Grpc;

/// <summary>GetMetadata: the facts GET /v1.0/metadata reports, in daprd's GetMetadataResponse.</summary>
public sealed partial class DaprGrpcService
{
    private GetMetadataResponse BuildMetadata()
    {
        var response = new GetMetadataResponse
        {
            Id = options.AppId,
            RuntimeVersion = MetadataEndpoints.RuntimeVersion,
            ActorRuntime = new ActorRuntime { RuntimeStatus = ActorRuntime.Types.ActorRuntimeStatus.Disabled, Placement = "placement: disconnected" },
            AppConnectionProperties = new AppConnectionProperties
            {
                Protocol = options.AppProtocol,
                ChannelAddress = options.AppChannelAddress,
                Port = options.AppPort ?? 0,
                MaxConcurrency = Math.Max(0, options.AppMaxConcurrency),
            },
        };

        response.ExtendedMetadata["daprRuntimeVersion"] = MetadataEndpoints.RuntimeVersion;
        foreach (var (key, value) in runtime.Extended)
        {
            response.ExtendedMetadata[key] = value;
        }

        if (options.EnableAppHealthCheck)
        {
            response.AppConnectionProperties.Health = new AppConnectionHealthProperties
            {
                HealthCheckPath = options.AppHealthCheckPath,
                HealthProbeInterval = $"{options.AppHealthProbeInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
                HealthProbeTimeout = $"{options.AppHealthProbeTimeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
                HealthThreshold = options.AppHealthThreshold,
            };
        }

        foreach (var resource in Registry.Loaded)
        {
            var component = new RegisteredComponents { Name = resource.Name, Type = resource.Type, Version = resource.Version };
            component.Capabilities.AddRange(MetadataEndpoints.Capabilities(Registry, resource.Name));
            response.RegisteredComponents.Add(component);
        }

        foreach (var s in runtime.Subscriptions)
        {
            var subscription = new PubsubSubscription
            {
                PubsubName = s.PubsubName,
                Topic = s.Topic,
                DeadLetterTopic = s.DeadLetterTopic ?? "",
                Type = s.Type switch
                {
                    "DECLARATIVE" => PubsubSubscriptionType.Declarative,
                    "PROGRAMMATIC" => PubsubSubscriptionType.Programmatic,
                    "STREAMING" => PubsubSubscriptionType.Streaming,
                    _ => PubsubSubscriptionType.Unknown,
                },
                Rules = new PubsubSubscriptionRules(),
            };
            foreach (var (key, value) in s.Metadata)
            {
                subscription.Metadata[key] = value;
            }

            foreach (var (match, path) in s.Rules)
            {
                subscription.Rules.Rules.Add(new PubsubSubscriptionRule { Match = match, Path = path });
            }

            response.Subscriptions.Add(subscription);
        }

        response.Workflows = new MetadataWorkflows { ConnectedWorkers = runtime.ConnectedWorkflowWorkers() };

        return response;
    }
}
