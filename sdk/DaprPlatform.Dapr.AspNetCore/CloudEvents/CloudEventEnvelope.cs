using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// The CloudEvent attributes of the request <c>UseCloudEvents</c> unwrapped (everything but the data). Reach it as a
/// handler parameter (<c>(Order order, CloudEventEnvelope envelope) =&gt; ...</c>), or via
/// <see cref="CloudEventHttpContextExtensions.GetCloudEvent"/>.
/// </summary>
public sealed class CloudEventEnvelope
{
    public string? Id { get; init; }

    public string? Source { get; init; }

    public string? Type { get; init; }

    public string? SpecVersion { get; init; }

    public string? Subject { get; init; }

    public DateTimeOffset? Time { get; init; }

    public string? DataContentType { get; init; }

    public string? DataSchema { get; init; }

    /// <summary>Topic the event was published to (a Dapr extension attribute).</summary>
    public string? Topic { get; init; }

    /// <summary>Pub/sub component the event came through (Dapr's <c>pubsubname</c>).</summary>
    public string? PubsubName { get; init; }

    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    /// <summary>Dapr's legacy copy of the traceparent.</summary>
    public string? TraceId { get; init; }

    /// <summary>When a TTL-bound event expires (Dapr's <c>expiration</c>).</summary>
    public DateTimeOffset? Expiration { get; init; }

    /// <summary>Every other attribute of the envelope, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Minimal-API binding: the envelope of the current request, or 400 when the request was not a CloudEvent.</summary>
    public static ValueTask<CloudEventEnvelope?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.GetCloudEvent());

    internal static CloudEventEnvelope Read(JsonElement root)
    {
        var extensions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!KnownAttributes.Contains(property.Name))
            {
                extensions[property.Name] = property.Value.Clone();
            }
        }

        return new CloudEventEnvelope
        {
            Id = ReadString(root, "id"),
            Source = ReadString(root, "source"),
            Type = ReadString(root, "type"),
            SpecVersion = ReadString(root, "specversion"),
            Subject = ReadString(root, "subject"),
            Time = ReadTime(root, "time"),
            DataContentType = ReadString(root, "datacontenttype"),
            DataSchema = ReadString(root, "dataschema"),
            Topic = ReadString(root, "topic"),
            PubsubName = ReadString(root, "pubsubname"),
            TraceParent = ReadString(root, "traceparent"),
            TraceState = ReadString(root, "tracestate"),
            TraceId = ReadString(root, "traceid"),
            Expiration = ReadTime(root, "expiration"),
            Extensions = extensions,
        };
    }

    private static readonly HashSet<string> KnownAttributes = new(StringComparer.Ordinal)
    {
        "id", "source", "type", "specversion", "subject", "time", "datacontenttype", "dataschema",
        "topic", "pubsubname", "traceparent", "tracestate", "traceid", "expiration", "data", "data_base64",
    };

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? ReadTime(JsonElement root, string name) =>
        ReadString(root, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time)
            ? time
            : null;
}
