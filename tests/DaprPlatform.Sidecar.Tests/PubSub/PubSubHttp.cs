using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>Calls to a running sidecar's pub/sub and metadata API, and the waits the pub/sub tests share.</summary>
internal static class PubSubHttp
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<HttpResponseMessage> PublishAsync(
        this SidecarProcess sidecar,
        string pubsub,
        string topic,
        string body,
        string? contentType = "application/json",
        string query = "",
        IReadOnlyDictionary<string, string>? headers = null,
        string version = "v1.0",
        string method = "POST")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"{version}/publish/{pubsub}/{topic}{query}")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await sidecar.HttpClient.SendAsync(request, Ct);
    }

    public static async Task PublishOkAsync(this SidecarProcess sidecar, string pubsub, string topic, string body, string? contentType = "application/json", string query = "")
    {
        using var response = await sidecar.PublishAsync(pubsub, topic, body, contentType, query);
        Assert.True(
            response.StatusCode == System.Net.HttpStatusCode.NoContent,
            $"publish answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}\n{sidecar.Output}");
    }

    public static async Task<HttpResponseMessage> BulkPublishAsync(this SidecarProcess sidecar, string pubsub, string topic, string body, string version = "v1.0-alpha1", string query = "")
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await sidecar.HttpClient.PostAsync($"{version}/publish/bulk/{pubsub}/{topic}{query}", content, Ct);
    }

    public static async Task<JsonElement> MetadataAsync(this SidecarProcess sidecar)
    {
        var json = await sidecar.HttpClient.GetStringAsync("v1.0/metadata", Ct);
        return JsonDocument.Parse(json).RootElement;
    }

    /// <summary>Waits until /v1.0/metadata lists the sidecar's subscriptions (they are listed once tried on the component).</summary>
    public static async Task<JsonElement> WaitForSubscriptionsAsync(this SidecarProcess sidecar, int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var subscriptions = (await sidecar.MetadataAsync()).GetProperty("subscriptions");
            if (subscriptions.GetArrayLength() >= count)
            {
                return subscriptions;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the sidecar lists {subscriptions.GetArrayLength()} subscriptions, expected {count}\n{sidecar.Output}");
            }

            await Task.Delay(100, Ct);
        }
    }

    /// <summary>Asserts daprd's error answer: the status and the <c>errorCode</c> of the JSON body.</summary>
    public static async Task<JsonElement> AssertDaprErrorAsync(HttpResponseMessage response, int status, string errorCode)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"expected {status} {errorCode}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(errorCode, json.GetProperty("errorCode").GetString());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("message").GetString()));
        return json;
    }
}
