using System.Text.Json.Nodes;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime;

namespace DaprPlatform.Sidecar.Api;

/// <summary>GET /v1.0/metadata and PUT /v1.0/metadata/{attribute}, shaped as daprd's metadata response.</summary>
public static class MetadataEndpoints
{
    public const string RuntimeVersion = "1.16.0-daprplatform";

    public static void MapMetadataApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/metadata", (SidecarOptions options, ComponentRegistry components, RuntimeMetadata runtime) =>
            TypedResults.Text(Build(options, components, runtime).ToJsonString(), "application/json"));

        v1.MapPut("/metadata/{attributeName}", async (string attributeName, HttpRequest request, RuntimeMetadata runtime) =>
        {
            using var reader = new StreamReader(request.Body);
            runtime.Extended[attributeName] = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            return TypedResults.NoContent();
        });
    }

    private static JsonObject Build(SidecarOptions options, ComponentRegistry components, RuntimeMetadata runtime)
    {
        var extended = new JsonObject { ["daprRuntimeVersion"] = RuntimeVersion };
        foreach (var (key, value) in runtime.Extended.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            extended[key] = value;
        }

        var componentArray = new JsonArray();
        foreach (var resource in components.Loaded)
        {
            componentArray.Add((JsonNode)new JsonObject
            {
                ["name"] = resource.Name,
                ["type"] = resource.Type,
                ["version"] = resource.Version,
                ["capabilities"] = new JsonArray(Capabilities(components, resource.Name).Select(c => (JsonNode)c).ToArray()),
            });
        }

        var subscriptions = new JsonArray();
        foreach (var s in runtime.Subscriptions)
        {
            var subscription = new JsonObject
            {
                ["pubsubname"] = s.PubsubName,
                ["topic"] = s.Topic,
                ["deadLetterTopic"] = s.DeadLetterTopic,
                ["type"] = s.Type,
            };
            if (s.Metadata.Count > 0)
            {
                subscription["metadata"] = new JsonObject(s.Metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)));
            }

            if (s.Rules.Count > 0)
            {
                subscription["rules"] = new JsonArray(s.Rules.Select(r => (JsonNode)new JsonObject { ["match"] = r.Match, ["path"] = r.Path }).ToArray());
            }

            subscriptions.Add((JsonNode)subscription);
        }

        var app = new JsonObject
        {
            ["protocol"] = options.AppProtocol,
            ["channelAddress"] = options.AppChannelAddress,
        };
        if (options.AppPort is { } port)
        {
            app["port"] = port;
        }

        if (options.AppMaxConcurrency > 0)
        {
            app["maxConcurrency"] = options.AppMaxConcurrency;
        }

        if (options.EnableAppHealthCheck)
        {
            app["health"] = new JsonObject
            {
                ["healthCheckPath"] = options.AppHealthCheckPath,
                ["healthProbeInterval"] = $"{options.AppHealthProbeInterval.TotalSeconds}s",
                ["healthProbeTimeout"] = $"{options.AppHealthProbeTimeout.TotalMilliseconds}ms",
                ["healthThreshold"] = options.AppHealthThreshold,
            };
        }

        var result = new JsonObject
        {
            ["id"] = options.AppId,
            ["runtimeVersion"] = RuntimeVersion,
            ["enabledFeatures"] = new JsonArray(),
            ["actors"] = new JsonArray(),
            ["components"] = componentArray,
            ["extended"] = extended,
            ["subscriptions"] = subscriptions,
            ["httpEndpoints"] = new JsonArray(),
            ["appConnectionProperties"] = app,
        };
        if (components.ActorStateStore is not null)
        {
            result["workflows"] = new JsonObject { ["connectedWorkers"] = runtime.ConnectedWorkflowWorkers() };
        }

        return result;
    }

    internal static IEnumerable<string> Capabilities(ComponentRegistry components, string name)
    {
        if (components.StateStores.TryGetValue(name, out var state))
        {
            var f = state.Store.Features;
            if (f.HasFlag(StateStoreFeatures.ETag))
            {
                yield return "ETAG";
            }

            if (f.HasFlag(StateStoreFeatures.Transactional))
            {
                yield return "TRANSACTIONAL";
            }

            if (f.HasFlag(StateStoreFeatures.Ttl))
            {
                yield return "TTL";
            }

            if (f.HasFlag(StateStoreFeatures.Query))
            {
                yield return "QUERY_API";
            }

            if (state.IsActorStateStore)
            {
                yield return "ACTOR";
            }
        }
        else if (components.PubSubs.TryGetValue(name, out var pubsub) && pubsub.PubSub.Features.HasFlag(PubSubFeatures.SubscribeWildcards))
        {
            yield return "SUBSCRIBE_WILDCARDS";
        }
    }
}
