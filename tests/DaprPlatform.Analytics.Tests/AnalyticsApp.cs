using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DaprPlatform.Analytics.Tests;

/// <summary>
/// The analytics service in memory (TestServer) on a PostgreSQL database of its own, migrated at start. Its tokens
/// are the test issuer's; <see cref="Client"/> is an admin's, <see cref="CreateClient"/> anyone's.
/// </summary>
public sealed class AnalyticsApp(InfraFixture infra) : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;

    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await infra.CreateDatabaseAsync("analytics", TestContext.Current.CancellationToken);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:analyticsdb", connectionString)
            .UseSetting("DAPR_HTTP_ENDPOINT", "http://127.0.0.1:1")
            .UseSetting("Jwt:PublicKeyPem", TestTokens.PublicKeyPem));
        Client = CreateClient(TestTokens.Admin("analytics-admin"));
    }

    public HttpClient CreateClient(string? token)
    {
        var client = _factory!.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return client;
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
