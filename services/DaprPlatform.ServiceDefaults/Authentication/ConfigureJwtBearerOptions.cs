using System.Security.Cryptography;
using Dapr.Client;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Validation of the platform's access tokens: RS256 only, signed, issuer, audience and lifetime checked with at most
/// 30 s of clock skew. The keys are <c>Jwt:PublicKeyPem</c> when it is configured, else identity's JWKS fetched through
/// the Dapr sidecar (never a hard-coded key or address).
/// </summary>
internal sealed class ConfigureJwtBearerOptions(IConfiguration configuration, DaprClient dapr) : IConfigureNamedOptions<JwtBearerOptions>
{
    // Keys are re-read this often even when nothing asks, and at most this often when a token names an unknown kid.
    private static readonly TimeSpan KeysRefreshInterval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromSeconds(5);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name == JwtBearerDefaults.AuthenticationScheme)
        {
            Configure(options);
        }
    }

    public void Configure(JwtBearerOptions options)
    {
        var jwt = configuration.GetSection(JwtDefaults.ConfigurationSection);

        // Claims keep their JWT names: `sub` is the user id and `role` the roles, as every service reads them.
        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAlgorithms = [JwtDefaults.Algorithm],
            ValidateIssuer = true,
            ValidIssuer = jwt["Issuer"] is { Length: > 0 } issuer ? issuer : JwtDefaults.Issuer,
            ValidateAudience = true,
            ValidAudience = jwt["Audience"] is { Length: > 0 } audience ? audience : JwtDefaults.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = JwtDefaults.ClockSkew,
            NameClaimType = "sub",
            RoleClaimType = "role",
        };
        options.Events = new ProblemDetailsJwtBearerEvents();

        if (jwt["PublicKeyPem"] is { Length: > 0 } pem)
        {
            options.TokenValidationParameters.IssuerSigningKey = ReadPublicKey(pem);
        }
        else
        {
            // The invoke client rewrites http://identity/... to the sidecar's invoke API, with its dapr-api-token.
            var identity = dapr.CreateInvokableHttpClient(JwtDefaults.IdentityAppId);
            options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                $"http://{JwtDefaults.IdentityAppId}{JwtDefaults.JwksPath}",
                new JwksConfigurationRetriever(),
                new HttpDocumentRetriever(identity) { RequireHttps = false })
            {
                AutomaticRefreshInterval = KeysRefreshInterval,
                RefreshInterval = UnknownKeyRefreshInterval,
            };
            options.RefreshOnIssuerKeyNotFound = true;
        }
    }

    private static RsaSecurityKey ReadPublicKey(string pem)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        // Only the public half is kept, even if a private key was configured by mistake.
        return new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false));
    }
}
