using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Identity.Model;

public static class IdentityRoles
{
    /// <summary>Every role identity creates at start and an admin may give.</summary>
    public static readonly IReadOnlyList<string> All = [PlatformRoles.Customer, PlatformRoles.Admin];
}
