using DaprPlatform.Gateway.Infrastructure;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace DaprPlatform.Gateway.Proxy;

/// <summary>
/// Turns a proxied request into a Dapr service invocation through the sidecar: <c>dapr-app-id</c> names the route's
/// app and <c>dapr-api-token</c> authenticates the gateway to its sidecar. Dapr headers a client sent are dropped, so no
/// caller can pick another app or pose as a sidecar.
/// </summary>
public sealed class DaprInvocationTransforms(DaprSidecar sidecar, SidecarErrors sidecarErrors) : ITransformProvider
{
    public void ValidateRoute(TransformRouteValidationContext context)
    {
        if (context.Route.Metadata?.ContainsKey(GatewayRoutes.AppIdMetadata) != true)
        {
            context.Errors.Add(new InvalidOperationException($"Route '{context.Route.RouteId}' names no {GatewayRoutes.AppIdMetadata}."));
        }
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        if (context.Route.Metadata?.TryGetValue(GatewayRoutes.AppIdMetadata, out var appId) != true || appId is null)
        {
            return;
        }

        context.AddRequestTransform(transform =>
        {
            var headers = transform.ProxyRequest.Headers;
            foreach (var name in headers.Select(header => header.Key).Where(IsDaprHeader).ToList())
            {
                headers.Remove(name);
            }

            headers.TryAddWithoutValidation("dapr-app-id", appId);
            if (sidecar.ApiToken is { } token)
            {
                headers.TryAddWithoutValidation("dapr-api-token", token);
            }

            return ValueTask.CompletedTask;
        });
        context.AddResponseTransform(transform => sidecarErrors.MapAsync(transform, appId));
    }

    private static bool IsDaprHeader(string name) => name.StartsWith("dapr-", StringComparison.OrdinalIgnoreCase);
}
