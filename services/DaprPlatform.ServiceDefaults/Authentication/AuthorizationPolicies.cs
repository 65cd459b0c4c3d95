namespace DaprPlatform.ServiceDefaults;

/// <summary>Authorization policies every service has: <c>.RequireAuthorization(AuthorizationPolicies.Admin)</c>.</summary>
public static class AuthorizationPolicies
{
    /// <summary>A signed-in user acting as a customer; an admin may do whatever a customer may.</summary>
    public const string Customer = "customer";

    public const string Admin = "admin";
}
