using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Invocation;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// Service invocation: /v1.0/invoke/{id}/method/{method} with any verb, the catch-all that serves the dapr-app-id
/// header and Basic-auth forms on the HTTP port, and the internal port that receives calls from other sidecars. The
/// handlers are singletons taken once here and run as plain request delegates: a minimal-API parameter would resolve
/// them per call from a request scope created for it. The two hot paths, /v1.0/invoke and the internal port, are
/// branches of the pipeline ahead of endpoint routing, which they would only pass through to reach the one handler.
/// </summary>
public static class InvokeEndpoints
{
    public static readonly PathString InvokePath = "/v1.0/invoke";

    /// <summary>
    /// /v1.0/invoke/... on the HTTP port (any case, as routing matched it): registered inside the error handling and
    /// the API token check, and before routing.
    /// </summary>
    public static void UseInvokeApi(this IApplicationBuilder app, SidecarOptions options)
    {
        var invoker = app.ApplicationServices.GetRequiredService<ServiceInvoker>();
        var port = options.HttpPort;
        app.MapWhen(
            context => context.Connection.LocalPort == port && context.Request.Path.StartsWithSegments(InvokePath),
            branch => branch.Run(invoker.InvokeAsync));
    }

    /// <summary>Whatever route daprd does not know is an invocation addressed by header or Basic auth.</summary>
    public static void MapInvocationFallback(this IEndpointRouteBuilder endpoints, int port)
    {
        var invoker = endpoints.ServiceProvider.GetRequiredService<ServiceInvoker>();
        endpoints.MapFallback("{**path}", invoker.InvokeAsync).RequireLocalPort(port);
    }

    /// <summary>
    /// The internal port serves one route, calls from other sidecars (daprd's internal gRPC server), so all of it is
    /// a branch: registered inside the error handling and before routing.
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
