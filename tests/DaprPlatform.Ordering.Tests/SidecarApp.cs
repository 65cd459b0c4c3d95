using System.Globalization;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// A real service of the platform on Kestrel at a port of its own, behind its own sidecar under its platform app id,
/// started as `dapr run` starts them (the app first, then the sidecar): ordering reaches it by service invocation.
/// </summary>
public sealed class SidecarApp<TProgram> : IAsyncDisposable
    where TProgram : class
{
    private readonly WebApplicationFactory<TProgram> _factory;

    private SidecarApp(WebApplicationFactory<TProgram> factory, SidecarProcess sidecar)
    {
        _factory = factory;
        Sidecar = sidecar;
    }

    public SidecarProcess Sidecar { get; }

    public IServiceProvider Services => _factory.Services;

    public static async Task<SidecarApp<TProgram>> StartAsync(
        string appId, string devHome, IReadOnlyDictionary<string, string> settings, IReadOnlyList<string> resourcesPaths, CancellationToken ct)
    {
        var (appPort, httpPort, grpcPort) = (FreePort.Get(), FreePort.Get(), FreePort.Get());
        var factory = new WebApplicationFactory<TProgram>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }

            web.UseSetting("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{Invariant(httpPort)}")
                .UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{Invariant(grpcPort)}")
                // UseKestrel(port) does not bind that port; the URL does.
                .UseSetting("urls", $"http://127.0.0.1:{Invariant(appPort)}");
        });
        try
        {
            factory.UseKestrel();
            factory.StartServer();
            var sidecar = await SidecarProcess.StartAsync(
                new SidecarProcessOptions
                {
                    AppId = appId,
                    AppPort = appPort,
                    HttpPort = httpPort,
                    GrpcPort = grpcPort,
                    DaprDevHome = devHome,
                    ResourcesPaths = resourcesPaths,
                },
                ct);
            return new SidecarApp<TProgram>(factory, sidecar);
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private static string Invariant(int port) => port.ToString(CultureInfo.InvariantCulture);
}
