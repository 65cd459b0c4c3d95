using System.Globalization;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// Typed form of the publish metadata daprd understands. Everything here ends up as
/// <c>metadata.&lt;key&gt;=&lt;value&gt;</c> query parameters (<c>ttlInSeconds</c>, <c>rawPayload</c>, <c>cloudevent.*</c>).
/// </summary>
public sealed record PublishEventOptions
{
    /// <summary>Content type of the body (sets the CloudEvent <c>datacontenttype</c>); defaults to <c>application/json</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>Message time-to-live, sent as whole seconds (<c>metadata.ttlInSeconds</c>), rounded up.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>Send the body to the broker as-is, without a CloudEvent envelope (<c>metadata.rawPayload=true</c>).</summary>
    public bool RawPayload { get; init; }

    /// <summary>Overrides the envelope's <c>id</c> (a fresh UUID otherwise); useful for idempotent consumers.</summary>
    public string? CloudEventId { get; init; }

    /// <summary>Overrides the envelope's <c>source</c> (the publishing app id otherwise).</summary>
    public string? CloudEventSource { get; init; }

    /// <summary>Overrides the envelope's <c>type</c> (<c>com.dapr.event.sent</c> otherwise); subscription rules often match on it.</summary>
    public string? CloudEventType { get; init; }

    public string? CloudEventSubject { get; init; }

    /// <summary>W3C traceparent to stamp on the envelope instead of the sidecar's span.</summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    /// <summary>Any further component-specific metadata (keys without the <c>metadata.</c> prefix).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    internal Dictionary<string, string> ToMetadata()
    {
        var metadata = Metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(Metadata);
        if (TimeToLive is { } ttl)
        {
            if (ttl <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(TimeToLive), ttl, "A message TTL must be positive.");
            }

            metadata["ttlInSeconds"] = ((long)Math.Ceiling(ttl.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (RawPayload)
        {
            metadata["rawPayload"] = "true";
        }

        AddIfSet(metadata, "cloudevent.id", CloudEventId);
        AddIfSet(metadata, "cloudevent.source", CloudEventSource);
        AddIfSet(metadata, "cloudevent.type", CloudEventType);
        AddIfSet(metadata, "cloudevent.subject", CloudEventSubject);
        AddIfSet(metadata, "cloudevent.traceparent", TraceParent);
        AddIfSet(metadata, "cloudevent.tracestate", TraceState);
        return metadata;
    }

    private static void AddIfSet(Dictionary<string, string> metadata, string key, string? value)
    {
        if (value is not null)
        {
            metadata[key] = value;
        }
    }
}
