using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DaprPlatform.Analytics.Tests;

/// <summary>The analytics service in memory (TestServer) on a PostgreSQL database of its own, migrated at start.</summary>
public sealed class AnalyticsApp(InfraFixture infra) : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await infra.CreateDatabaseAsync("analytics", TestContext.Current.CancellationToken);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:analyticsdb", connectionString)
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
