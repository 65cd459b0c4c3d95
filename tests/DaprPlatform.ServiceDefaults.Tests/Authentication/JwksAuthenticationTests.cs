using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.ServiceDefaults.Tests.Authentication;

/// <summary>
/// Without <c>Jwt:PublicKeyPem</c>, keys come from identity's JWKS through the service's own sidecar (real sidecars for
/// the service and for a stand-in identity app), and a token signed by a key the cache does not know makes the
/// service fetch the keys again: identity can rotate its key without restarting every service.
/// </summary>
public sealed class JwksAuthenticationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_come_from_identitys_jwks_through_dapr_and_are_fetched_again_for_an_unknown_key()
    {
        var devHome = Directory.CreateTempSubdirectory("daprplatform-devhome-").FullName;
        var jwksRequests = 0;
        var jwks = OtherKeyJwks();
        await using var identity = await StartIdentityAsync(() =>
        {
            Interlocked.Increment(ref jwksRequests);
            return Volatile.Read(ref jwks);
        });
        await using var identitySidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = JwtDefaults.IdentityAppId, AppPort = identity.Port, DaprDevHome = devHome }, Ct);
        await using var sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = "jwks-test-service", DaprDevHome = devHome }, Ct);
        await using var service = await AuthenticatedService.StartAsync(new Dictionary<string, string?>
        {
            ["DAPR_HTTP_ENDPOINT"] = $"http://127.0.0.1:{sidecar.HttpPort.ToString(CultureInfo.InvariantCulture)}",
        });
        var token = TestTokens.Customer(Guid.NewGuid().ToString());

        // Identity still publishes only its previous key: the token cannot be verified with it.
        var fetched = await Eventually.ReturnsAsync(async () =>
        {
            using var response = await service.GetAsync("/me", token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return Volatile.Read(ref jwksRequests) > 0;
        }, TimeSpan.FromSeconds(15));
        Assert.True(fetched, "the service never asked identity for its JWKS");

        // Identity rotates to the key that signed the token; the periodic refresh is minutes away.
        Volatile.Write(ref jwks, TestTokens.JwksJson);
        var accepted = await Eventually.ReturnsAsync(async () =>
        {
            using var response = await service.GetAsync("/me", token);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20));

        Assert.True(accepted, "the token signed by identity's new key was never accepted");
        Directory.Delete(devHome, recursive: true);
    }

    private static string OtherKeyJwks()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "previous-key", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
        });
    }

    private static async Task<IdentityStandIn> StartIdentityAsync(Func<string> jwks)
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet(JwtDefaults.JwksPath, () => TypedResults.Text(jwks(), "application/json"));
        await app.StartAsync(Ct);
        return new IdentityStandIn(app, port);
    }

    private sealed record IdentityStandIn(WebApplication App, int Port) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
