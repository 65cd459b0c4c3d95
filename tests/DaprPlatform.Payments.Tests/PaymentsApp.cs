using System.Globalization;
using DaprPlatform.Payments.Provider;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// The payments service in memory (TestServer) with its Dapr.Client on a real sidecar whose state store is Redis,
/// and a provider timeout short enough that pm_card_slow exceeds it quickly.
/// </summary>
public sealed class PaymentsApp(InfraFixture infra) : IAsyncLifetime
{
    public static readonly TimeSpan ProviderTimeout = TimeSpan.FromMilliseconds(300);

    private readonly ResourcesDirectory _resources = new();
    private SidecarProcess? _sidecar;
    private WebApplicationFactory<Program>? _factory;

    public HttpClient Client { get; private set; } = null!;

    public SimulatedPaymentProvider Provider => _factory!.Services.GetRequiredService<SimulatedPaymentProvider>();

    public async ValueTask InitializeAsync()
    {
        _resources.AddRedisStateStore(infra.RedisHost);
        _sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = infra.UniqueName("payments"), ResourcesPaths = [_resources.Path] }, TestContext.Current.CancellationToken);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{_sidecar.GrpcPort.ToString(CultureInfo.InvariantCulture)}")
            .UseSetting("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{_sidecar.HttpPort.ToString(CultureInfo.InvariantCulture)}")
            .UseSetting("Payments:ProviderTimeout", ProviderTimeout.ToString()));
        Client = _factory.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        _resources.Dispose();
    }
}
