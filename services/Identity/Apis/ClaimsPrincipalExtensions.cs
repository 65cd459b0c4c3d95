using System.Security.Claims;

namespace DaprPlatform.Identity.Apis;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The authenticated caller's user id: the token's sub (claims keep their JWT names).</summary>
    public static string UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated request without a sub claim");
}
