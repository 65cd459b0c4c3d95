using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>A subscriber's answer to daprd: <c>{"status":"SUCCESS"|"RETRY"|"DROP"}</c> with HTTP 200.</summary>
public sealed record TopicResponse([property: JsonPropertyName("status")] string Status)
{
    public static TopicResponse Success { get; } = new(TopicStatus.Success);

    public static TopicResponse Retry { get; } = new(TopicStatus.Retry);

    public static TopicResponse Drop { get; } = new(TopicStatus.Drop);
}
