using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DaprPlatform.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Tests;

public sealed class AccessTokenTests(IdentityApp identity) : IClassFixture<IdentityApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_access_token_is_RS256_with_the_served_kid_and_the_platforms_claims()
    {
        var (user, tokens) = await identity.NewCustomerAsync();
        var jwks = new JsonWebKeySet(await identity.Client.GetStringAsync("/.well-known/jwks.json", Ct));

        var jwt = new JsonWebToken(tokens.AccessToken);

        Assert.Equal(("RS256", "JWT"), (jwt.Alg, jwt.Typ));
        Assert.Equal(Assert.Single(jwks.Keys).Kid, jwt.Kid);
        Assert.Equal(user.UserId, jwt.Subject);
        Assert.Equal(user.Email, jwt.GetClaim("email").Value);
        Assert.Equal(user.Name, jwt.GetClaim("name").Value);
        Assert.Equal(["customer"], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(("daprplatform-identity", "daprplatform"), (jwt.Issuer, Assert.Single(jwt.Audiences)));
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
    }

    [Fact]
    public async Task The_access_token_validates_against_the_JWKS_served_and_two_logins_have_different_ids()
    {
        var (user, first) = await identity.NewCustomerAsync();
        var second = await identity.LoginAsync(user.Email);
        var jwks = new JsonWebKeySet(await identity.Client.GetStringAsync("/.well-known/jwks.json", Ct));
        var parameters = new TokenValidationParameters
        {
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidIssuer = "daprplatform-identity",
            ValidAudience = "daprplatform",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.Zero,
        };

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(first.AccessToken, parameters);

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.NotEqual(new JsonWebToken(first.AccessToken).Id, new JsonWebToken(second.AccessToken).Id);
    }

    [Fact]
    public async Task The_JWKS_is_anonymous_holds_only_the_public_key_and_its_kid_is_the_RFC_7638_thumbprint()
    {
        using var response = await identity.Client.GetAsync("/.well-known/jwks.json", Ct);
        var key = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("keys").EnumerateArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["alg", "e", "kid", "kty", "n", "use"], key.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(("RSA", "sig", "RS256"), (key.GetProperty("kty").GetString(), key.GetProperty("use").GetString(), key.GetProperty("alg").GetString()));
        var (e, n) = (key.GetProperty("e").GetString(), key.GetProperty("n").GetString());
        var thumbprint = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"e":"{{e}}","kty":"RSA","n":"{{n}}"}""")));
        Assert.Equal(thumbprint, key.GetProperty("kid").GetString());
        using var configured = RSA.Create();
        configured.ImportFromPem(identity.SigningKeyPem);
        Assert.Equal(Base64UrlEncoder.Encode(configured.ExportParameters(false).Modulus), n);
    }

    [Fact]
    public async Task Tokens_identity_did_not_sign_are_refused_by_identity_itself()
    {
        var (user, _) = await identity.NewCustomerAsync();

        string[] forged =
        [
            TestTokens.Create(user.UserId, ["customer", "admin"]),
            TestTokens.AlgNone(user.UserId, "admin"),
            TestTokens.Hs256SignedWithPublicKey(user.UserId, "admin"),
        ];
        foreach (var token in forged)
        {
            using var response = await identity.SendAsync(HttpMethod.Get, "/me", token);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_token_with_an_edited_payload_is_refused()
    {
        var (_, tokens) = await identity.NewCustomerAsync();
        var parts = tokens.AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"customer\"", "\"admin\"", StringComparison.Ordinal);

        using var response = await identity.SendAsync(HttpMethod.Get, "/users", $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
