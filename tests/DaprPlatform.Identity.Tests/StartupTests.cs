using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using DaprPlatform.Identity.Tokens;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Tests;

public sealed class StartupTests(IdentityAppWithoutAdmin identity) : IClassFixture<IdentityAppWithoutAdmin>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_the_admin_settings_no_admin_is_seeded_but_the_roles_exist()
    {
        var roles = await identity.QueryAsync(db => db.Roles.Select(r => r.Name!).OrderBy(n => n).ToListAsync(Ct));
        var admins = await identity.QueryAsync(db => db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name)
            .CountAsync(name => name == PlatformRoles.Admin, Ct));

        using var login = await identity.Client.PostAsJsonAsync("/login", new { email = IdentityApp.AdminEmail, password = IdentityApp.AdminPassword }, Ct);

        Assert.Equal(["admin", "customer"], roles);
        Assert.Equal(0, admins);
        Assert.Equal(0, await identity.QueryAsync(db => db.Users.CountAsync(Ct)));
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public void Without_a_signing_key_the_service_refuses_to_start_and_says_why()
    {
        var error = StartFailure(null);

        Assert.Contains("Jwt:SigningKeyPem is not set", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_key_or_a_short_key_as_the_signing_key_is_refused_without_showing_it()
    {
        using var rsa = RSA.Create(2048);
        using var small = RSA.Create(1024);
        var publicPem = rsa.ExportSubjectPublicKeyInfoPem();
        var smallPem = small.ExportPkcs8PrivateKeyPem();

        var publicOnly = StartFailure(publicPem);
        var tooShort = StartFailure(smallPem);

        Assert.Contains("is not an unencrypted RSA private key", publicOnly, StringComparison.Ordinal);
        Assert.Contains("is a 1024-bit RSA key", tooShort, StringComparison.Ordinal);
        Assert.DoesNotContain(publicPem.Split('\n')[1], publicOnly, StringComparison.Ordinal);
        Assert.DoesNotContain(smallPem.Split('\n')[1], tooShort, StringComparison.Ordinal);
    }

    private static string StartFailure(string? signingKeyPem)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:identitydb", "Host=127.0.0.1;Port=1;Database=never")
                .UseSetting("DAPR_HTTP_ENDPOINT", "http://127.0.0.1:1")
                .UseSetting("DAPR_GRPC_ENDPOINT", "http://127.0.0.1:1");
            if (signingKeyPem is not null)
            {
                web.UseSetting(TokenSigningKey.ConfigurationKey, signingKeyPem);
            }
        });

        return Assert.ThrowsAny<Exception>(() => factory.CreateClient()).ToString();
    }
}
