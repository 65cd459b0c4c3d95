using DaprPlatform.Identity.Model;
using Microsoft.AspNetCore.Identity;

namespace DaprPlatform.Identity.Tokens;

/// <summary>What login and refresh answer: an access token, its lifetime in seconds, and the next refresh token.</summary>
public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

/// <summary>Issues the token pair of a login, and exchanges a refresh token for the next pair.</summary>
public sealed class TokenService(UserManager<ApplicationUser> users, AccessTokenIssuer accessTokens, RefreshTokenStore refreshTokens)
{
    public async Task<TokenResponse> IssueAsync(ApplicationUser user, CancellationToken ct)
    {
        var refreshToken = await refreshTokens.IssueAsync(user.Id, ct);
        return await PairAsync(user, refreshToken);
    }

    /// <returns>Null when the refresh token is not (or no longer) good for a refresh.</returns>
    public async Task<TokenResponse?> RefreshAsync(string refreshToken, CancellationToken ct)
    {
        var rotation = await refreshTokens.RotateAsync(refreshToken, ct);
        if (rotation.Outcome != RotationOutcome.Rotated || await users.FindByIdAsync(rotation.UserId!) is not { } user)
        {
            return null;
        }

        // Roles are read again: a refreshed token carries the roles the user has now.
        return await PairAsync(user, rotation.Token!);
    }

    private async Task<TokenResponse> PairAsync(ApplicationUser user, string refreshToken)
    {
        var accessToken = accessTokens.Issue(user, await users.GetRolesAsync(user));
        return new TokenResponse(accessToken.Token, refreshToken, (int)accessToken.Lifetime.TotalSeconds);
    }
}
