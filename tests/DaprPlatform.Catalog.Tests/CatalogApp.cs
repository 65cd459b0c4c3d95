using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DaprPlatform.Catalog.Tests;

/// <summary>The catalog service in memory (TestServer) on a PostgreSQL database of its own, migrated and seeded at start.</summary>
public sealed class CatalogApp(InfraFixture infra) : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    public HttpClient Client { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await infra.CreateDatabaseAsync("catalog", TestContext.Current.CancellationToken);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:catalogdb", ConnectionString)
            // Nothing here has a sidecar; readiness is not what these tests look at.
            .UseSetting("DAPR_HTTP_ENDPOINT", "http://127.0.0.1:1"));
        Client = _factory.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
