using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sdk.Tests.Infrastructure;

/// <summary>An in-memory ASP.NET Core app (TestServer) wired the way a Dapr-enabled service is.</summary>
public static class TestApp
{
    public static async Task<WebApplication> StartAsync(Action<WebApplication> configureApp, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        configureApp(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    /// <summary>Posts a body the way daprd delivers events: <c>Content-Type: application/cloudevents+json</c>.</summary>
    public static Task<HttpResponseMessage> PostCloudEventAsync(this HttpClient client, string path, string cloudEventJson)
    {
        var content = new StringContent(cloudEventJson);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json");
        return client.PostAsync(path, content, TestContext.Current.CancellationToken);
    }
}
