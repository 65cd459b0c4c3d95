namespace DaprPlatform.Dapr.Client;

/// <summary>
/// A CloudEvents 1.0 envelope published as <c>application/cloudevents+json</c>; daprd augments it
/// (topic, pubsubname, trace context) instead of wrapping it. <see cref="Data"/> is written as JSON,
/// except <c>byte[]</c> which goes out as <c>data_base64</c>.
/// </summary>
public sealed record CloudEvent<TData>(TData Data)
{
    public string Id { get; init; } = Guid.NewGuid().ToString();

    /// <summary>Identifies the producer; daprd fills in the app id when left empty.</summary>
    public string? Source { get; init; }

    /// <summary>Event type; daprd uses <c>com.dapr.event.sent</c> when left empty.</summary>
    public string? Type { get; init; }

    public string? Subject { get; init; }

    public DateTimeOffset? Time { get; init; }

    public string DataContentType { get; init; } = "application/json";

    /// <summary>Extension attributes written as top-level string members.</summary>
    public IReadOnlyDictionary<string, string>? Extensions { get; init; }
}
