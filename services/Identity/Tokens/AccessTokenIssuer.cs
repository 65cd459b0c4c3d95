using System.Security.Claims;
using DaprPlatform.Identity.Model;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Tokens;

public sealed record AccessToken(string Token, TimeSpan Lifetime);

/// <summary>Short-lived RS256 access tokens with the platform's claims: sub, email, name, one role claim per role, jti.</summary>
public sealed class AccessTokenIssuer(TokenSigningKey key, IOptions<JwtOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public AccessToken Issue(ApplicationUser user, IEnumerable<string> roles)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = options.Value.AccessTokenLifetime;
        Claim[] claims =
        [
            new(JwtRegisteredClaimNames.Sub, user.Id),
            new(JwtRegisteredClaimNames.Email, user.Email ?? ""),
            new(JwtRegisteredClaimNames.Name, user.Name),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            .. roles.Select(role => new Claim("role", role)),
        ];
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = key.Credentials,
        });
        return new AccessToken(token, lifetime);
    }
}
