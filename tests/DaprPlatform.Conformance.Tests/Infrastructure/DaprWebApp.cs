using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>
/// A real ASP.NET Core app on Kestrel (a free 127.0.0.1 port) built on Dapr.AspNetCore (<c>AddDaprClient</c>), with its
/// own real sidecar process: what <c>dapr run --app-port</c> gives a service.
/// </summary>
public sealed class DaprWebApp : IAsyncDisposable
{
    private static readonly TimeSpan SubscriptionsTimeout = TimeSpan.FromSeconds(30);

    private DaprWebApp(WebApplication app, SidecarProcess sidecar, int port)
    {
        App = app;
        Sidecar = sidecar;
        Port = port;
    }

    public WebApplication App { get; }

    public SidecarProcess Sidecar { get; }

    public int Port { get; }

    public string AppId => Sidecar.AppId;

    /// <summary>The app's own DaprClient (from DI), talking to its sidecar.</summary>
    public DaprClient Client => App.Services.GetRequiredService<DaprClient>();

    /// <param name="expectedSubscriptions">Waits until the sidecar lists this many, i.e. has subscribed on the broker.</param>
    public static async Task<DaprWebApp> StartAsync(
        string appId, string resourcesPath, Action<WebApplication> configure, int expectedSubscriptions = 0)
    {
        var appPort = FreePort.Get();
        var daprPort = FreePort.Get();
        var daprGrpcPort = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, appPort));
        builder.Services.AddDaprClient(client => client
            .UseHttpEndpoint($"http://127.0.0.1:{daprPort}")
            .UseGrpcEndpoint($"http://127.0.0.1:{daprGrpcPort}"));
        var app = builder.Build();
        configure(app);
        await app.StartAsync(TestContext.Current.CancellationToken);

        SidecarProcess? sidecar = null;
        try
        {
            sidecar = await SidecarProcess.StartAsync(
                new SidecarProcessOptions { AppId = appId, AppPort = appPort, HttpPort = daprPort, GrpcPort = daprGrpcPort, ResourcesPaths = [resourcesPath] },
                TestContext.Current.CancellationToken);
            var webApp = new DaprWebApp(app, sidecar, appPort);
            if (expectedSubscriptions > 0)
            {
                await webApp.WaitForSubscriptionsAsync(expectedSubscriptions);
            }

            return webApp;
        }
        catch
        {
            if (sidecar is not null)
            {
                await sidecar.DisposeAsync();
            }

            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await App.DisposeAsync();
    }

    /// <summary>GET /v1.0/metadata of the app's sidecar.</summary>
    public async Task<JsonElement> GetSidecarMetadataAsync() =>
        await Sidecar.HttpClient.GetFromJsonAsync<JsonElement>("v1.0/metadata", TestContext.Current.CancellationToken);

    private async Task WaitForSubscriptionsAsync(int count)
    {
        // Dapr.Client's metadata has no subscriptions: read them from the sidecar's HTTP metadata API.
        var subscribed = await Eventually.ReturnsAsync(
            async () => (await GetSidecarMetadataAsync()).GetProperty("subscriptions").GetArrayLength() >= count,
            SubscriptionsTimeout);
        Assert.True(subscribed, $"sidecar {AppId} did not list {count} subscriptions within {SubscriptionsTimeout}.\n{Sidecar.Output}");
    }
}
