using DaprPlatform.Gateway.Services;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Gateway.Apis;

/// <summary>The platform's health for admins: every app and sidecar, checked through Dapr as the gateway reaches them.</summary>
public static class HealthApi
{
    public const string Path = "/api/health";

    public static RouteHandlerBuilder MapHealthApi(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, async Task<Ok<PlatformHealth>> (PlatformHealthService health, CancellationToken ct) =>
                TypedResults.Ok(await health.CheckAsync(ct)))
            .WithTags("Health")
            .RequireAuthorization(AuthorizationPolicies.Admin);
}
