using DaprPlatform.Gateway.Infrastructure;
using Yarp.ReverseProxy.Configuration;

namespace DaprPlatform.Gateway.Proxy;

public static class ProxyExtensions
{
    /// <summary>YARP with the public route table (<see cref="GatewayRoutes"/>), forwarding through the gateway's sidecar.</summary>
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => DaprSidecar.FromConfiguration(services.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<SidecarErrors>();
        builder.Services.AddSingleton<IProxyConfigProvider, SidecarProxyConfigProvider>();
        builder.Services.AddReverseProxy().AddTransforms<DaprInvocationTransforms>();
        return builder;
    }

    public static IEndpointConventionBuilder MapGatewayProxy(this IEndpointRouteBuilder app) =>
        app.MapReverseProxy(proxy => proxy.Use(RejectAmbiguousPathsAsync));

    // An encoded or doubled separator could be read as another path once the sidecar or the service decodes it
    // (/api/orders/1%2Fapprove reaching /orders/1/approve past the admin route): such paths are refused, not forwarded.
    private static async Task RejectAmbiguousPathsAsync(HttpContext context, Func<Task> next)
    {
        var path = context.Request.Path.Value ?? "";
        if (path.Contains("//", StringComparison.Ordinal)
            || path.Contains('\\', StringComparison.Ordinal)
            || path.Contains("%2F", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5C", StringComparison.OrdinalIgnoreCase))
        {
            await TypedResults.Problem(title: "The path is ambiguous", detail: "Encoded or empty path segments are not accepted.", statusCode: StatusCodes.Status400BadRequest)
                .ExecuteAsync(context);
            return;
        }

        await next();
    }
}
