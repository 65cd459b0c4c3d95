using System.Globalization;
using DaprPlatform.Payments.Provider;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Payments.Tests;

/// <summary>
/// The payments service in memory (TestServer) with its Dapr.Client on a real sidecar, and a provider timeout short
/// enough that pm_card_slow exceeds it quickly. Which state store holds the ledger is the component YAML's choice
/// alone: the same code runs on each (<see cref="RedisPaymentsApp"/>, <see cref="PostgresPaymentsApp"/>).
/// </summary>
public abstract class PaymentsApp(InfraFixture infra) : IAsyncLifetime
{
    public static readonly TimeSpan ProviderTimeout = TimeSpan.FromMilliseconds(300);

    private readonly ResourcesDirectory _resources = new();
    private SidecarProcess? _sidecar;
    private WebApplicationFactory<Program>? _factory;

    public HttpClient Client { get; private set; } = null!;

    public SimulatedPaymentProvider Provider => _factory!.Services.GetRequiredService<SimulatedPaymentProvider>();

    protected InfraFixture Infra => infra;

    /// <summary>Writes the <c>statestore</c> component into <paramref name="resources"/>.</summary>
    protected abstract Task AddStateStoreAsync(ResourcesDirectory resources);

    public async ValueTask InitializeAsync()
    {
        await AddStateStoreAsync(_resources);
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

public sealed class RedisPaymentsApp(InfraFixture infra) : PaymentsApp(infra)
{
    protected override Task AddStateStoreAsync(ResourcesDirectory resources)
    {
        resources.AddRedisStateStore(Infra.RedisHost);
        return Task.CompletedTask;
    }
}

public sealed class PostgresPaymentsApp(InfraFixture infra) : PaymentsApp(infra)
{
    protected override async Task AddStateStoreAsync(ResourcesDirectory resources) =>
        resources.AddPostgresStateStore(await Infra.CreateDatabaseAsync("payments_ledger", TestContext.Current.CancellationToken));
}
