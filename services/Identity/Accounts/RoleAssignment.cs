using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.Identity.Model;
using Microsoft.AspNetCore.Identity;

namespace DaprPlatform.Identity.Accounts;

/// <summary>
/// Gives a user exactly the roles an admin chose, all or nothing. Tokens already issued keep their roles until they
/// expire; the next refresh carries the new ones.
/// </summary>
public sealed partial class RoleAssignment(IdentityContext db, UserManager<ApplicationUser> users, ILogger<RoleAssignment> logger)
{
    /// <returns>False when another change of the same user got there first (Identity's concurrency stamp).</returns>
    public async Task<bool> SetAsync(ApplicationUser user, IReadOnlyCollection<string> roles, CancellationToken ct)
    {
        var current = await users.GetRolesAsync(user);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var result in new[]
        {
            await users.RemoveFromRolesAsync(user, current.Except(roles)),
            await users.AddToRolesAsync(user, roles.Except(current)),
        })
        {
            if (!result.Succeeded)
            {
                return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure))
                    ? false
                    : throw new InvalidOperationException($"Roles could not be changed: {string.Join("; ", result.Errors.Select(e => e.Code))}");
            }
        }

        await transaction.CommitAsync(ct);
        LogRolesSet(user.Id, string.Join(",", roles.Order()));
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Roles of user {UserId} set to {Roles}")]
    private partial void LogRolesSet(string userId, string roles);
}
