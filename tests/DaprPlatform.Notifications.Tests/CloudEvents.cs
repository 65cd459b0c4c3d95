using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Testing;

namespace DaprPlatform.Notifications.Tests;

/// <summary>Deliveries as the sidecar makes them: a structured CloudEvent posted to the subscribed route.</summary>
public static class CloudEvents
{
    private static readonly MediaTypeHeaderValue ContentType = new(DaprCloudEvent.ContentType);

    /// <summary>The envelope daprd puts around JSON <paramref name="data"/> published on the platform's pub/sub.</summary>
    public static string Envelope<T>(string topic, T data, string? id = null) => DaprCloudEvent.Json(Topics.PubSub, topic, data, "tests", id);

    /// <summary>
    /// What a raw-payload subscription receives: the broker message (here a dead-lettered CloudEvent) as data_base64 of
    /// an envelope the sidecar makes up, with an id of its own on every delivery.
    /// </summary>
    public static string RawPayloadEnvelope(string message, string topic) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["data_base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(message)),
        ["datacontenttype"] = "application/octet-stream",
        ["id"] = Guid.NewGuid().ToString(),
        ["pubsubname"] = Topics.PubSub,
        ["source"] = "Dapr",
        ["specversion"] = "1.0",
        ["topic"] = topic,
        ["type"] = "com.dapr.event.sent",
    });

    public static StringContent Content(string cloudEvent) => new(cloudEvent, Encoding.UTF8) { Headers = { ContentType = ContentType } };
}
