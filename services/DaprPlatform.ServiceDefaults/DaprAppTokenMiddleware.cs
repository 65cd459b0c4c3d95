using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Dapr's app API token: when APP_API_TOKEN is set, the sidecar sends it as <c>dapr-api-token</c> on every call it
/// makes to the app, and the app refuses calls without it — so only its own sidecar can reach it, whoever else can
/// reach its port. Health and metrics stay open for probes and scrapers. The gateway, whose callers are users, opts
/// out (<see cref="ServiceDefaultsExtensions.MapDefaultEndpoints"/> with publicEntry). Written here rather than with
/// Dapr.AspNetCore's "Dapr" authentication scheme so it guards every route, including those that also require a JWT.
/// </summary>
internal sealed class DaprAppTokenMiddleware(RequestDelegate next, IConfiguration configuration)
{
    public const string Header = "dapr-api-token";

    private readonly byte[]? _token = configuration["APP_API_TOKEN"] is { Length: > 0 } token ? Encoding.UTF8.GetBytes(token) : null;

    public Task InvokeAsync(HttpContext context)
    {
        if (_token is null || IsOpen(context.Request.Path) || Matches(context.Request.Headers[Header].ToString()))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Results.Problem(title: "Missing or wrong dapr-api-token", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
    }

    private bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);

    private static bool IsOpen(PathString path) =>
        path.StartsWithSegments(ServiceDefaultsExtensions.LivenessPath)
        || path.StartsWithSegments(ServiceDefaultsExtensions.ReadinessPath)
        || path.StartsWithSegments(ServiceDefaultsExtensions.MetricsPath);
}
