using System.Security.Claims;

namespace DaprPlatform.Notifications.Apis;

public static class ClaimsPrincipalExtensions
{
    public const string UserIdClaim = "sub";

    /// <summary>The caller's user id; the routes' policy requires the claim, so it is there.</summary>
    public static string UserId(this ClaimsPrincipal user) => user.FindFirstValue(UserIdClaim)!;
}
