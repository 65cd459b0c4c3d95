using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Invocation;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// Service invocation routes: /v1.0/invoke/{id}/method/{method} with any verb, the catch-all that serves the
/// dapr-app-id header and Basic-auth forms on the HTTP port, and the private route on the internal port that
/// receives calls from other sidecars.
/// </summary>
public static class InvokeEndpoints
{
    public static void MapInvokeApi(this RouteGroupBuilder v1)
    {
        v1.Map("/invoke/{**rest}", (HttpContext context, ServiceInvoker invoker) => invoker.InvokeAsync(context));
    }

    /// <summary>Whatever route daprd does not know is an invocation addressed by header or Basic auth.</summary>
    public static void MapInvocationFallback(this IEndpointRouteBuilder endpoints, string host)
    {
        endpoints.MapFallback("{**path}", (HttpContext context, ServiceInvoker invoker) => invoker.InvokeAsync(context)).RequireHost(host);
    }

    public static void MapInternalInvocation(this IEndpointRouteBuilder endpoints, SidecarOptions options)
    {
        if (options.InternalGrpcPort is not { } port)
        {
            return;
        }

        // Built now rather than on first call, so a malformed Resiliency or accessControl stops start-up.
        _ = endpoints.ServiceProvider.GetRequiredService<IResiliencyProvider>();
        _ = endpoints.ServiceProvider.GetRequiredService<InternalInvocationHandler>();
        endpoints.Map(PeerClient.InternalInvokePrefix + "{**method}", (HttpContext context, InternalInvocationHandler handler) => handler.HandleAsync(context))
            .RequireHost($"*:{port}");
    }
}
