namespace DaprPlatform.ServiceDefaults;

/// <summary>The values of the <c>role</c> claim (one claim per role).</summary>
public static class PlatformRoles
{
    public const string Customer = "customer";
    public const string Admin = "admin";
}
