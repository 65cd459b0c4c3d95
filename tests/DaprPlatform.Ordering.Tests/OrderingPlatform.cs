extern alias catalog;
extern alias payments;

using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Dapr.Workflow;
using DaprPlatform.Ordering.Infrastructure;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using CatalogProgram = catalog::Program;
using PaymentsProgram = payments::Program;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// The ordering service in memory (TestServer) on a PostgreSQL database of its own, trusting <see cref="TestTokens"/>,
/// with its DaprClient and workflow worker on a real sidecar (workflows in Redis). Next to it the real catalog (on
/// PostgreSQL, seeded) and the real payments (ledger in Redis) on Kestrel, each behind a sidecar with its platform
/// app id. The sidecars share a dev home of their own, so name resolution sees only these apps.
/// </summary>
public sealed class OrderingPlatform(InfraFixture infra) : IAsyncLifetime
{
    /// <summary>Above it an order waits for an admin; seed product 5 (449.00) is above, the others are below.</summary>
    public const decimal ApprovalThreshold = 400m;

    public static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ReachableTimeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _devHome = Directory.CreateTempSubdirectory("ordering-tests-").FullName;
    private readonly ResourcesDirectory _orderingResources = new();
    private readonly ResourcesDirectory _paymentsResources = new();
    private SidecarApp<CatalogProgram>? _catalog;
    private SidecarApp<PaymentsProgram>? _payments;
    private WebApplicationFactory<Program>? _ordering;

    public SidecarProcess Sidecar { get; private set; } = null!;

    public IServiceProvider Services => _ordering!.Services;

    public DaprWorkflowClient Workflows => Services.GetRequiredService<DaprWorkflowClient>();

    public async ValueTask InitializeAsync()
    {
        var catalogDb = infra.CreateDatabaseAsync("ordering_catalog", Ct);
        var orderingDb = infra.CreateDatabaseAsync("ordering", Ct);
        _catalog = await SidecarApp<CatalogProgram>.StartAsync(
            "catalog", _devHome, new Dictionary<string, string> { ["ConnectionStrings:catalogdb"] = await catalogDb }, [], Ct);
        _payments = await SidecarApp<PaymentsProgram>.StartAsync(
            "payments", _devHome, new Dictionary<string, string>(), [_paymentsResources.AddRedisStateStore(infra.RedisHost).Path], Ct);

        // Workflows live in the actor state store under the app id: a unique one never meets another run's instances.
        _orderingResources.AddRedisStateStore(infra.RedisHost, actorStateStore: true).AddInMemoryPubSub();
        Sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = infra.UniqueName("ordering"), DaprDevHome = _devHome, ResourcesPaths = [_orderingResources.Path] }, Ct);
        var connectionString = await orderingDb;
        _ordering = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:orderingdb", connectionString)
            .UseSetting("Jwt:PublicKeyPem", TestTokens.PublicKeyPem)
            .UseSetting("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{Sidecar.HttpPort.ToString(CultureInfo.InvariantCulture)}")
            .UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{Sidecar.GrpcPort.ToString(CultureInfo.InvariantCulture)}")
            .UseSetting("Ordering:ApprovalThreshold", ApprovalThreshold.ToString(CultureInfo.InvariantCulture))
            .UseSetting("Ordering:ApprovalTimeout", TimeSpan.FromHours(1).ToString())
            // Only the start-up sweep runs by itself: the recovery tests sweep when they choose.
            .UseSetting("Ordering:RecoveryInterval", TimeSpan.FromHours(1).ToString()));
        // Starts the service: migrations, the workflow worker, the outbox dispatcher.
        _ = _ordering.Server;

        await WaitUntilReachableAsync("catalog");
        await WaitUntilReachableAsync("payments");
    }

    /// <summary>A client of the ordering service that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient As(string? token)
    {
        var client = _ordering!.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public HttpClient Customer(string userId) => As(TestTokens.Customer(userId));

    public HttpClient Admin() => As(TestTokens.Admin($"admin-{Guid.NewGuid():N}"));

    /// <summary>Waits until the order's saga has finished (its last step recorded), for at most <see cref="SagaTimeout"/>.</summary>
    public async Task WaitForSagaAsync(string orderId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(SagaTimeout);
        await Workflows.WaitForWorkflowCompletionAsync(orderId, false, timeout.Token);
    }

    public OrderingContext CreateContext() => Services.GetRequiredService<IDbContextFactory<OrderingContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        if (_ordering is not null)
        {
            await _ordering.DisposeAsync();
        }

        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        if (_payments is not null)
        {
            await _payments.DisposeAsync();
        }

        if (_catalog is not null)
        {
            await _catalog.DisposeAsync();
        }

        _orderingResources.Dispose();
        _paymentsResources.Dispose();
        try
        {
            Directory.Delete(_devHome, recursive: true);
        }
        catch (IOException)
        {
            // A sidecar still exiting may hold a registry file for a moment.
        }
    }

    // Sidecars register in the dev home as they start; a call through ordering's sidecar proves each one is found.
    private async Task WaitUntilReachableAsync(string appId)
    {
        var reachable = await Eventually.ReturnsAsync(async () =>
        {
            using var response = await Sidecar.HttpClient.GetAsync($"v1.0/invoke/{appId}/method/healthz", Ct);
            return response.StatusCode == HttpStatusCode.OK;
        }, ReachableTimeout);
        Assert.True(reachable, $"{appId} is not reachable through ordering's sidecar.\n{Sidecar.Output}");
    }
}
