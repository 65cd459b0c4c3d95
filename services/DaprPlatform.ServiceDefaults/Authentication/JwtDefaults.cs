namespace DaprPlatform.ServiceDefaults;

/// <summary>The platform's token conventions, shared by the issuer (identity) and every service that validates.</summary>
public static class JwtDefaults
{
    public const string ConfigurationSection = "Jwt";

    /// <summary><c>Jwt:Issuer</c> when configuration does not say otherwise.</summary>
    public const string Issuer = "daprplatform-identity";

    /// <summary><c>Jwt:Audience</c> when configuration does not say otherwise.</summary>
    public const string Audience = "daprplatform";

    public const string Algorithm = Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha256;

    /// <summary>The app id that issues tokens and serves their public keys.</summary>
    public const string IdentityAppId = "identity";

    /// <summary>Where identity serves its public keys, anonymously.</summary>
    public const string JwksPath = "/.well-known/jwks.json";

    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>How far apart the clocks of issuer and validator may be; never more.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
}
