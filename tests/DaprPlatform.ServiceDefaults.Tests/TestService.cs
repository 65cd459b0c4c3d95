using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>A service as its Program.cs builds it (AddServiceDefaults, MapDefaultEndpoints), on the in-memory TestServer.</summary>
public sealed class TestService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestService(WebApplication app)
    {
        _app = app;
        Client = ((TestServer)app.Services.GetRequiredService<IServer>()).CreateClient();
    }

    public HttpClient Client { get; }

    /// <param name="sidecarHttpEndpoint">Where the service's DaprClient finds its sidecar's HTTP API.</param>
    public static async Task<TestService> StartAsync(string sidecarHttpEndpoint, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        // Where Dapr.Client looks for its sidecar, as `dapr run` tells an app.
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecarHttpEndpoint;
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        map?.Invoke(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestService(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
