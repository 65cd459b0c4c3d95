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
    /// <param name="settings">More configuration, as the environment would give it.</param>
    /// <param name="publicEntry">Maps the defaults as the gateway does.</param>
    public static async Task<TestService> StartAsync(
        string sidecarHttpEndpoint, Action<WebApplication>? map = null, IReadOnlyDictionary<string, string?>? settings = null, bool publicEntry = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        // Where Dapr.Client looks for its sidecar, as `dapr run` tells an app.
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecarHttpEndpoint;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints(publicEntry);
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
