using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DaprPlatform.ServiceDefaults;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer tokens issued by identity, validated by every service itself (defense in depth behind the gateway), and the
    /// platform's authorization policies <see cref="AuthorizationPolicies.Customer"/> and <see cref="AuthorizationPolicies.Admin"/>.
    /// Keys: <c>Jwt:PublicKeyPem</c> if set, else identity's JWKS through Dapr service invocation.
    /// </summary>
    public static TBuilder AddDefaultAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearerOptions>();

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthorizationPolicies.Customer, policy => policy.RequireAuthenticatedUser().RequireRole(PlatformRoles.Customer, PlatformRoles.Admin))
            .AddPolicy(AuthorizationPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(PlatformRoles.Admin));
        return builder;
    }
}
