using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;

namespace DaprPlatform.Gateway.Authorization;

/// <summary>Policies only the gateway needs, on top of ServiceDefaults' customer and admin.</summary>
public static class GatewayPolicies
{
    /// <summary>A customer acting on their own id (the <c>{id}</c> route value equals their <c>sub</c>), or an admin on anyone's.</summary>
    public const string OwnCustomer = "own-customer";

    public static AuthorizationBuilder AddGatewayPolicies(this AuthorizationBuilder authorization)
    {
        authorization.Services.AddSingleton<IAuthorizationHandler, OwnCustomerHandler>();
        return authorization.AddPolicy(OwnCustomer, policy => policy
            .RequireAuthenticatedUser()
            .RequireRole(PlatformRoles.Customer, PlatformRoles.Admin)
            .AddRequirements(new OwnCustomerRequirement()));
    }
}
