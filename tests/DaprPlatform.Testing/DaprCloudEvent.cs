using System.Text.Json;

namespace DaprPlatform.Testing;

/// <summary>The structured CloudEvent daprd posts to a subscribed route for JSON published to a topic.</summary>
public static class DaprCloudEvent
{
    public const string ContentType = "application/cloudevents+json";

    /// <summary>The envelope daprd puts around published JSON <paramref name="data"/>; a new id unless one is given.</summary>
    public static string Json<T>(string pubSubName, string topic, T data, string source, string? id = null) => JsonSerializer.Serialize(new
    {
        specversion = "1.0",
        id = id ?? Guid.NewGuid().ToString(),
        source,
        type = "com.dapr.event.sent",
        topic,
        pubsubname = pubSubName,
        datacontenttype = "application/json",
        data,
    }, JsonSerializerOptions.Web);
}
