using System.Net;
using System.Text;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Testing;

namespace DaprPlatform.Analytics.Tests;

/// <summary>Events delivered as daprd delivers them: a CloudEvent posted to the subscribed route.</summary>
public static class EventDelivery
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task DeliverAsync<T>(this HttpClient client, string route, string topic, T data)
    {
        using var response = await client.PostCloudEventAsync(route, DaprCloudEvent.Json(Topics.PubSub, topic, data, source: "ordering"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static Task<HttpResponseMessage> PostCloudEventAsync(this HttpClient client, string route, string cloudEvent) =>
        client.PostAsync(route, new StringContent(cloudEvent, Encoding.UTF8, DaprCloudEvent.ContentType), Ct);
}
