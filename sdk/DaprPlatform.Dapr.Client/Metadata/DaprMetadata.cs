using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.Client;

/// <summary>The sidecar's self-description from <c>GET /v1.0/metadata</c>. Fields daprd omits are empty, never null.</summary>
public sealed record DaprMetadata
{
    [JsonPropertyName("id")]
    public string Id { get; init; } = string.Empty;

    [JsonPropertyName("runtimeVersion")]
    public string RuntimeVersion { get; init; } = string.Empty;

    [JsonPropertyName("enabledFeatures")]
    public IReadOnlyList<string> EnabledFeatures { get; init; } = [];

    [JsonPropertyName("actors")]
    public IReadOnlyList<DaprActorMetadata> Actors { get; init; } = [];

    [JsonPropertyName("components")]
    public IReadOnlyList<DaprComponentMetadata> Components { get; init; } = [];

    /// <summary>Attributes set through <see cref="DaprClient.SetMetadataAsync"/> plus daprd's own (e.g. <c>daprRuntimeVersion</c>).</summary>
    [JsonPropertyName("extended")]
    public IReadOnlyDictionary<string, string> Extended { get; init; } = new Dictionary<string, string>();

    [JsonPropertyName("subscriptions")]
    public IReadOnlyList<DaprSubscriptionMetadata> Subscriptions { get; init; } = [];

    [JsonPropertyName("httpEndpoints")]
    public IReadOnlyList<DaprHttpEndpointMetadata> HttpEndpoints { get; init; } = [];

    [JsonPropertyName("appConnectionProperties")]
    public DaprAppConnectionMetadata? AppConnectionProperties { get; init; }
}

public sealed record DaprActorMetadata(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("count")] int Count);

public sealed record DaprComponentMetadata(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("version")] string? Version,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string>? Capabilities);

public sealed record DaprSubscriptionMetadata(
    [property: JsonPropertyName("pubsubname")] string PubSubName,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string>? Metadata,
    [property: JsonPropertyName("rules")] IReadOnlyList<DaprSubscriptionRuleMetadata>? Rules,
    [property: JsonPropertyName("deadLetterTopic")] string? DeadLetterTopic,
    [property: JsonPropertyName("type")] string? Type);

public sealed record DaprSubscriptionRuleMetadata(
    [property: JsonPropertyName("match")] string? Match,
    [property: JsonPropertyName("path")] string? Path);

public sealed record DaprHttpEndpointMetadata(
    [property: JsonPropertyName("name")] string Name);

public sealed record DaprAppConnectionMetadata(
    [property: JsonPropertyName("port")] int Port,
    [property: JsonPropertyName("protocol")] string? Protocol,
    [property: JsonPropertyName("channelAddress")] string? ChannelAddress,
    [property: JsonPropertyName("maxConcurrency")] int MaxConcurrency,
    [property: JsonPropertyName("health")] DaprAppHealthMetadata? Health);

public sealed record DaprAppHealthMetadata(
    [property: JsonPropertyName("healthCheckPath")] string? HealthCheckPath,
    [property: JsonPropertyName("healthProbeInterval")] string? HealthProbeInterval,
    [property: JsonPropertyName("healthProbeTimeout")] string? HealthProbeTimeout,
    [property: JsonPropertyName("healthThreshold")] int HealthThreshold);
