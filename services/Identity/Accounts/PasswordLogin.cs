using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.Identity.Model;
using Microsoft.AspNetCore.Identity;

namespace DaprPlatform.Identity.Accounts;

public enum LoginOutcome
{
    Succeeded,
    Failed,
    LockedOut,
}

public sealed record LoginResult(LoginOutcome Outcome, ApplicationUser? User = null);

/// <summary>
/// Checks an email and password with Identity's hasher and lockout: after too many failures in a row the account
/// refuses even the right password until the lockout ends. An unknown email fails exactly like a wrong password.
/// </summary>
public sealed partial class PasswordLogin(IdentityContext db, UserManager<ApplicationUser> users, ILogger<PasswordLogin> logger)
{
    private const int MaxCountAttempts = 20;

    private static readonly ApplicationUser Nobody = new();
    private static string? s_nobodysHash;

    public async Task<LoginResult> CheckAsync(string email, string password)
    {
        if (await users.FindByEmailAsync(email) is not { } user)
        {
            // Hash anyway, so the time the answer takes does not tell which emails have an account.
            s_nobodysHash ??= users.PasswordHasher.HashPassword(Nobody, Guid.NewGuid().ToString());
            users.PasswordHasher.VerifyHashedPassword(Nobody, s_nobodysHash, password);
            return new LoginResult(LoginOutcome.Failed);
        }

        if (await users.IsLockedOutAsync(user))
        {
            LogLockedOut(user.Id);
            return new LoginResult(LoginOutcome.LockedOut);
        }

        if (await users.CheckPasswordAsync(user, password))
        {
            await users.ResetAccessFailedCountAsync(user);
            return new LoginResult(LoginOutcome.Succeeded, user);
        }

        await CountFailureAsync(user);
        if (await users.IsLockedOutAsync(user))
        {
            LogLockoutStarted(user.Id, user.LockoutEnd);
            return new LoginResult(LoginOutcome.LockedOut);
        }

        LogWrongPassword(user.Id);
        return new LoginResult(LoginOutcome.Failed);
    }

    /// <summary>
    /// Concurrent wrong guesses race on the user's concurrency stamp, and Identity drops the loser's count. Each one
    /// is counted again on a fresh copy, or guessing in parallel would dodge the lockout.
    /// </summary>
    private async Task CountFailureAsync(ApplicationUser user)
    {
        for (var attempt = 1; ; attempt++)
        {
            var counted = await users.AccessFailedAsync(user);
            if (counted.Succeeded || attempt == MaxCountAttempts
                || !counted.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            {
                return;
            }

            await db.Entry(user).ReloadAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Login of user {UserId} failed: wrong password")]
    private partial void LogWrongPassword(string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User {UserId} is locked out until {LockoutEnd} after repeated failed logins")]
    private partial void LogLockoutStarted(string userId, DateTimeOffset? lockoutEnd);

    [LoggerMessage(Level = LogLevel.Information, Message = "Login of user {UserId} refused: the account is locked out")]
    private partial void LogLockedOut(string userId);
}
