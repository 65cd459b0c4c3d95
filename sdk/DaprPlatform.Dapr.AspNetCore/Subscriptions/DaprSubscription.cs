using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// One item of <c>GET /dapr/subscribe</c>. daprd reads either the v1 <see cref="Route"/> or the v2 <see cref="Routes"/>
/// (rules plus default); <see cref="Metadata"/> and <see cref="DeadLetterTopic"/> are optional.
/// </summary>
internal sealed record DaprSubscription(
    [property: JsonPropertyName("pubsubname")] string PubsubName,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("route")] string? Route,
    [property: JsonPropertyName("routes")] DaprSubscriptionRoutes? Routes,
    [property: JsonPropertyName("deadLetterTopic")] string? DeadLetterTopic,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string>? Metadata);

internal sealed record DaprSubscriptionRoutes(
    [property: JsonPropertyName("rules")] IReadOnlyList<DaprSubscriptionRule> Rules,
    [property: JsonPropertyName("default")] string? Default);

internal sealed record DaprSubscriptionRule(
    [property: JsonPropertyName("match")] string Match,
    [property: JsonPropertyName("path")] string Path);
