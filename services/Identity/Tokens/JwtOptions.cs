using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Identity.Tokens;

/// <summary>The "Jwt" configuration section: who issues tokens, for whom, and how long they live.</summary>
public sealed class JwtOptions
{
    public const string SectionName = JwtDefaults.ConfigurationSection;

    public string Issuer { get; set; } = JwtDefaults.Issuer;

    public string Audience { get; set; } = JwtDefaults.Audience;

    public TimeSpan AccessTokenLifetime { get; set; } = JwtDefaults.AccessTokenLifetime;

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
}
