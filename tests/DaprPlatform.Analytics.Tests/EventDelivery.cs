using System.Net;
using System.Text;
using System.Text.Json;
using DaprPlatform.IntegrationEvents;

namespace DaprPlatform.Analytics.Tests;

/// <summary>Events delivered as daprd delivers them: a CloudEvent posted to the subscribed route.</summary>
public static class EventDelivery
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task DeliverAsync<T>(this HttpClient client, string route, string topic, T data)
    {
        var cloudEvent = JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id = Guid.NewGuid().ToString(),
            source = "ordering",
            type = "com.dapr.event.sent",
            topic,
            pubsubname = Topics.PubSub,
            datacontenttype = "application/json",
            data,
        }, JsonSerializerOptions.Web);
        using var response = await client.PostCloudEventAsync(route, cloudEvent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static Task<HttpResponseMessage> PostCloudEventAsync(this HttpClient client, string route, string cloudEvent) =>
        client.PostAsync(route, new StringContent(cloudEvent, Encoding.UTF8, "application/cloudevents+json"), Ct);
}
