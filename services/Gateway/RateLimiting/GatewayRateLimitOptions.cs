namespace DaprPlatform.Gateway.RateLimiting;

/// <summary>Configuration section <c>Gateway:RateLimit</c>.</summary>
public sealed class GatewayRateLimitOptions
{
    public const string SectionName = "Gateway:RateLimit";

    /// <summary>Requests each signed-in user (by <c>sub</c>), or each client IP when anonymous, may make per window.</summary>
    public int PermitsPerWindow { get; set; } = 100;

    public int WindowSeconds { get; set; } = 1;

    /// <summary>Register and login attempts per client IP per window: a brute-force brake.</summary>
    public int CredentialPermitsPerWindow { get; set; } = 20;

    public int CredentialWindowSeconds { get; set; } = 60;
}
