using System.Security.Claims;
using DaprPlatform.Identity.Accounts;
using DaprPlatform.Identity.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Identity.Apis;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>Login, refresh (rotating the refresh token) and logout (revoking its family).</summary>
public static class TokensApi
{
    public static RouteGroupBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var tokens = app.MapGroup("/").WithTags("Tokens");
        tokens.MapPost("/login", LoginAsync).AllowAnonymous();
        tokens.MapPost("/refresh", RefreshAsync).AllowAnonymous();
        tokens.MapPost("/logout", LogoutAsync).RequireAuthorization();
        return tokens;
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request, PasswordLogin login, TokenService tokens, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || request.Email.Length > AccountApi.MaxEmailLength
            || string.IsNullOrEmpty(request.Password) || request.Password.Length > AccountApi.MaxPasswordLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["email"] = ["an email is required"],
                ["password"] = ["a password is required"],
            });
        }

        var result = await login.CheckAsync(request.Email.Trim(), request.Password);
        return result.Outcome switch
        {
            LoginOutcome.Succeeded => TypedResults.Ok(await tokens.IssueAsync(result.User!, ct)),
            LoginOutcome.LockedOut => TypedResults.Problem(
                title: "The account is locked after repeated failed logins; try again later", statusCode: StatusCodes.Status423Locked),
            _ => InvalidCredentials(),
        };
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, TokenService tokens, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        return await tokens.RefreshAsync(request.RefreshToken!, ct) is { } pair
            ? TypedResults.Ok(pair)
            : TypedResults.Problem(title: "The refresh token is not valid", statusCode: StatusCodes.Status401Unauthorized);
    }

    /// <summary>Always 204 for a well-formed request: a logout of a token that is not the caller's, or is gone, changes nothing.</summary>
    public static async Task<Results<NoContent, ValidationProblem>> LogoutAsync(
        RefreshRequest request, ClaimsPrincipal principal, RefreshTokenStore refreshTokens, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
        {
            return invalid;
        }

        await refreshTokens.RevokeFamilyAsync(request.RefreshToken!, principal.UserId(), ct);
        return TypedResults.NoContent();
    }

    private static ValidationProblem? Validate(RefreshRequest request) =>
        string.IsNullOrWhiteSpace(request.RefreshToken) || request.RefreshToken.Length > RefreshTokenStore.MaxTokenLength
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["refreshToken"] = [$"a refresh token of at most {RefreshTokenStore.MaxTokenLength} characters is required"],
            })
            : null;

    // One answer for an unknown email and a wrong password, so logins cannot probe which accounts exist.
    private static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem(title: "Invalid email or password", statusCode: StatusCodes.Status401Unauthorized);
}
