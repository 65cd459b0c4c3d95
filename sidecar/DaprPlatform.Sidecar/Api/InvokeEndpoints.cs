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

    /// <summary>
    /// The internal port serves one route, calls from other sidecars, so it is a branch of the pipeline of its own
    /// instead of an endpoint: every proxied call skips endpoint routing (matching, the port and method policies) on
    /// the callee side. Registered inside the error handling and before routing.
    /// </summary>
    public static void UseInternalInvocation(this IApplicationBuilder app, SidecarOptions options)
    {
        if (options.InternalGrpcPort is not { } port)
        {
            return;
        }

        // Built now rather than on first call, so a malformed Resiliency or accessControl stops start-up.
        _ = app.ApplicationServices.GetRequiredService<IResiliencyProvider>();
        var handler = app.ApplicationServices.GetRequiredService<InternalInvocationHandler>();
        var prefix = new PathString(PeerClient.InternalInvokePrefix.TrimEnd('/'));
        app.MapWhen(
            context => context.Connection.LocalPort == port,
            branch => branch.Run(context =>
            {
                if (context.Request.Path.StartsWithSegments(prefix))
                {
                    return handler.HandleAsync(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }));
    }
}
