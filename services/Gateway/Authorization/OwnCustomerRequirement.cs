using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;

namespace DaprPlatform.Gateway.Authorization;

public sealed class OwnCustomerRequirement : IAuthorizationRequirement
{
    public const string RouteValue = "id";
}

/// <summary>Admins pass; anyone else only when the route's customer id is their own user id.</summary>
public sealed class OwnCustomerHandler : AuthorizationHandler<OwnCustomerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnCustomerRequirement requirement)
    {
        if (context.User.IsInRole(PlatformRoles.Admin))
        {
            context.Succeed(requirement);
        }
        else if (context.Resource is HttpContext http
            && http.GetRouteValue(OwnCustomerRequirement.RouteValue) is string customerId
            && context.User.FindFirst("sub")?.Value is { Length: > 0 } userId
            && SameId(customerId, userId))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    // User ids are GUIDs, which a client may write in any case; anything else must match exactly.
    private static bool SameId(string routeId, string userId) =>
        Guid.TryParse(routeId, out var route) && Guid.TryParse(userId, out var user)
            ? route == user
            : string.Equals(routeId, userId, StringComparison.Ordinal);
}
