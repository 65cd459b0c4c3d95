using Microsoft.AspNetCore.Identity;

namespace DaprPlatform.Identity.Model;

/// <summary>An account: Identity's user (email as user name, password hash, lockout counters) and a display name.</summary>
public sealed class ApplicationUser : IdentityUser
{
    public const int MaxNameLength = 100;

    public string Name { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
