using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Invocation;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// Service invocation routes: /v1.0/invoke/{id}/method/{method} with any verb, the catch-all that serves the
/// dapr-app-id header and Basic-auth forms on the HTTP port, and the private route on the internal port that
/// receives calls from other sidecars. The handlers are singletons taken once here and mapped as plain request
/// delegates: a minimal-API parameter would resolve them per call from a request scope created for it.
/// </summary>
public static class InvokeEndpoints
{
    public static void MapInvokeApi(this RouteGroupBuilder v1)
    {
        var invoker = ((IEndpointRouteBuilder)v1).ServiceProvider.GetRequiredService<ServiceInvoker>();
        v1.Map("/invoke/{**rest}", invoker.InvokeAsync);
    }

    /// <summary>Whatever route daprd does not know is an invocation addressed by header or Basic auth.</summary>
    public static void MapInvocationFallback(this IEndpointRouteBuilder endpoints, int port)
    {
        var invoker = endpoints.ServiceProvider.GetRequiredService<ServiceInvoker>();
        endpoints.MapFallback("{**path}", invoker.InvokeAsync).RequireLocalPort(port);
    }

    public static void MapInternalInvocation(this IEndpointRouteBuilder endpoints, SidecarOptions options)
    {
        if (options.InternalGrpcPort is not { } port)
        {
            return;
        }

        // Built now rather than on first call, so a malformed Resiliency or accessControl stops start-up.
        _ = endpoints.ServiceProvider.GetRequiredService<IResiliencyProvider>();
        var handler = endpoints.ServiceProvider.GetRequiredService<InternalInvocationHandler>();
        endpoints.Map(PeerClient.InternalInvokePrefix + "{**method}", handler.HandleAsync).RequireLocalPort(port);
    }
}
