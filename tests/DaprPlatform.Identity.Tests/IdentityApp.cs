using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using DaprPlatform.Identity.Apis;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.Identity.Tokens;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Identity.Tests;

/// <summary>
/// The identity service in memory (TestServer) on a PostgreSQL database of its own, migrated and seeded at start,
/// signing with an RSA key generated for it, with the admin account configured as the secret store would.
/// </summary>
public class IdentityApp(InfraFixture infra) : IAsyncLifetime
{
    public const string AdminEmail = "admin@daprplatform.test";
    public const string AdminPassword = "Adm1n!seed-Secret";
    public const string Password = "Str0ng!Passw0rd";

    private WebApplicationFactory<Program>? _factory;

    public HttpClient Client { get; private set; } = null!;

    public string ConnectionString { get; private set; } = null!;

    public string SigningKeyPem { get; } = CreateKeyPem();

    protected virtual bool SeedsAdmin => true;

    protected virtual void Configure(IWebHostBuilder web)
    {
    }

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await infra.CreateDatabaseAsync("identity", TestContext.Current.CancellationToken);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:identitydb", ConnectionString)
                .UseSetting(TokenSigningKey.ConfigurationKey, SigningKeyPem)
                // Nothing here has a sidecar: the outbox keeps its rows, readiness is not what these tests look at.
                .UseSetting("DAPR_HTTP_ENDPOINT", "http://127.0.0.1:1")
                .UseSetting("DAPR_GRPC_ENDPOINT", "http://127.0.0.1:1");
            if (SeedsAdmin)
            {
                web.UseSetting(IdentitySeed.AdminEmailKey, AdminEmail).UseSetting(IdentitySeed.AdminPasswordKey, AdminPassword);
            }

            Configure(web);
        });
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

    /// <summary>Reads the service's database through its own DbContext.</summary>
    public async Task<T> QueryAsync<T>(Func<IdentityContext, Task<T>> query)
    {
        await using var scope = _factory!.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<IdentityContext>());
    }

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.test";

    public async Task<RegisteredUser> RegisterAsync(string email, string password = Password, string name = "Ada Lovelace")
    {
        using var response = await Client.PostAsJsonAsync("/register", new { email, password, name }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RegisteredUser>(TestContext.Current.CancellationToken))!;
    }

    public async Task<TokenResponse> LoginAsync(string email, string password = Password)
    {
        using var response = await Client.PostAsJsonAsync("/login", new { email, password }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>A new customer, logged in.</summary>
    public async Task<(RegisteredUser User, TokenResponse Tokens)> NewCustomerAsync()
    {
        var user = await RegisterAsync(NewEmail());
        return (user, await LoginAsync(user.Email));
    }

    public Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        Client.PostAsJsonAsync("/refresh", new { refreshToken }, TestContext.Current.CancellationToken);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? accessToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static string CreateKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}

/// <summary>The same service started without Identity:AdminEmail / Identity:AdminPassword.</summary>
public sealed class IdentityAppWithoutAdmin(InfraFixture infra) : IdentityApp(infra)
{
    protected override bool SeedsAdmin => false;
}
