using DaprPlatform.Identity.Model;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Identity;

namespace DaprPlatform.Identity.Infrastructure;

/// <summary>
/// What must exist before the first request: the roles, and the admin account named by Identity:AdminEmail and
/// Identity:AdminPassword (from the secret store). Without both, no admin is made: there is no default password.
/// An existing admin keeps its password; the seed only makes sure it is an admin.
/// </summary>
public sealed partial class IdentitySeed(
    RoleManager<IdentityRole> roles, UserManager<ApplicationUser> users, IConfiguration configuration, TimeProvider time, ILogger<IdentitySeed> logger)
{
    public const string AdminEmailKey = "Identity:AdminEmail";
    public const string AdminPasswordKey = "Identity:AdminPassword";
    public const string AdminName = "Administrator";

    public async Task SeedAsync()
    {
        foreach (var role in IdentityRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Ensure(await roles.CreateAsync(new IdentityRole(role)), $"the {role} role");
            }
        }

        var email = configuration[AdminEmailKey];
        var password = configuration[AdminPasswordKey];
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            LogNoAdmin(AdminEmailKey, AdminPasswordKey);
            return;
        }

        if (await users.FindByEmailAsync(email) is not { } admin)
        {
            admin = new ApplicationUser { UserName = email, Email = email, Name = AdminName, EmailConfirmed = true, CreatedAt = time.GetUtcNow() };
            Ensure(await users.CreateAsync(admin, password), $"the admin account ({AdminEmailKey}, {AdminPasswordKey})");
            LogAdminCreated(admin.Id);
        }
        else if (!await users.CheckPasswordAsync(admin, password))
        {
            // The secret store owns the admin's password: after a rotation there (or a new generated one on a
            // database that outlived its secrets file) the account takes it at the next start, and a lockout the old
            // password caused is lifted.
            Ensure(await users.RemovePasswordAsync(admin), "the admin account's old password removal");
            Ensure(await users.AddPasswordAsync(admin, password), $"the admin account's password ({AdminPasswordKey})");
            Ensure(await users.SetLockoutEndDateAsync(admin, null), "the admin account's unlock");
            Ensure(await users.ResetAccessFailedCountAsync(admin), "the admin account's failed-attempt count");
            LogAdminPasswordUpdated(admin.Id);
        }

        if (!await users.IsInRoleAsync(admin, PlatformRoles.Admin))
        {
            Ensure(await users.AddToRoleAsync(admin, PlatformRoles.Admin), "the admin role of the admin account");
        }
    }

    // Identity's error descriptions name the rule broken, never the password itself.
    private static void Ensure(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not set up {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No admin account is seeded: {EmailKey} and {PasswordKey} are not both set (the platform loads them from the secret store)")]
    private partial void LogNoAdmin(string emailKey, string passwordKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin account {UserId} created from the configured admin credentials")]
    private partial void LogAdminCreated(string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin account {UserId} took the configured admin password: it differed from the stored one")]
    private partial void LogAdminPasswordUpdated(string userId);
}
