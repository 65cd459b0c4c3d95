using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.Identity.Tokens;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Identity.Tests;

/// <summary>The admin account follows the secret store across restarts of the service on the same database.</summary>
public sealed class AdminSeedTests(InfraFixture infra)
{
    private const string OldPassword = "0ld!Admin-Secret";
    private const string NewPassword = "N3w!Admin-Secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_admin_password_in_the_secret_store_replaces_the_stored_one_at_start_and_lifts_a_lockout()
    {
        var database = await infra.CreateDatabaseAsync("identity", Ct);
        var signingKey = IdentityApp.CreateKeyPem();
        await using (var first = Start(database, signingKey, OldPassword))
        {
            using var client = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, OldPassword)).StatusCode);
            using var scope = first.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<IdentityContext>().Users
                .Where(u => u.Email == IdentityApp.AdminEmail)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockoutEnd, DateTimeOffset.UtcNow.AddHours(1)), Ct);
        }

        await using var second = Start(database, signingKey, NewPassword);
        using var restarted = second.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(restarted, NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(restarted, OldPassword)).StatusCode);
    }

    private static WebApplicationFactory<Program> Start(string database, string signingKey, string adminPassword) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:identitydb", database)
            .UseSetting(TokenSigningKey.ConfigurationKey, signingKey)
            .UseSetting("DAPR_HTTP_ENDPOINT", "http://127.0.0.1:1")
            .UseSetting("DAPR_GRPC_ENDPOINT", "http://127.0.0.1:1")
            .UseSetting(IdentitySeed.AdminEmailKey, IdentityApp.AdminEmail)
            .UseSetting(IdentitySeed.AdminPasswordKey, adminPassword));

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string password) =>
        client.PostAsJsonAsync("/login", new { email = IdentityApp.AdminEmail, password }, Ct);
}
