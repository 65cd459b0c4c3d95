using DaprPlatform.Identity.Accounts;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.Identity.Model;
using DaprPlatform.Identity.Tokens;
using DaprPlatform.Outbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Extensions;

public static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDbContext<IdentityContext>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("identitydb")));
        builder.Services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<IdentityContext>();
        builder.Services.AddScoped<UserRegistration>();
        builder.Services.AddScoped<PasswordLogin>();
        builder.Services.AddScoped<RoleAssignment>();
        builder.Services.AddScoped<IdentitySeed>();

        builder.AddTokens();
        builder.AddDefaultAuthentication();
        builder.Services.AddOutboxDispatcher<IdentityContext>();
    }

    /// <summary>
    /// The signing key (the service refuses to start without it) and what issues tokens with it. Identity validates
    /// its own tokens with the key's public half, so it never asks itself for its JWKS. A `--migrate-only` run issues
    /// no token and is given no key: only the connection string.
    /// </summary>
    private static void AddTokens(this IHostApplicationBuilder builder)
    {
        if (DatabaseMigrations.MigrateOnly)
        {
            builder.Services.AddSingleton<TokenSigningKey>(_ => throw new InvalidOperationException($"{DatabaseMigrations.MigrateOnlyArgument} issues no tokens"));
        }
        else
        {
            var signingKey = TokenSigningKey.FromConfiguration(builder.Configuration);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Jwt:PublicKeyPem"] = signingKey.PublicKeyPem });
            builder.Services.AddSingleton(signingKey);
        }

        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.SectionName)
            .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero && o.RefreshTokenLifetime > TimeSpan.Zero, "Jwt:AccessTokenLifetime and Jwt:RefreshTokenLifetime must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddScoped<RefreshTokenStore>();
        builder.Services.AddScoped<TokenService>();
    }
}
