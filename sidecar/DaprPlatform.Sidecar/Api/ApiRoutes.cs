using DaprPlatform.Sidecar.Hosting;

namespace DaprPlatform.Sidecar.Api;

/// <summary>daprd's HTTP API on the --dapr-http-port, grouped by API version.</summary>
public static class ApiRoutes
{
    public static void MapDaprHttpApi(this IEndpointRouteBuilder endpoints, SidecarOptions options)
    {
        var port = options.HttpPort;
        var v1 = endpoints.MapGroup("/v1.0").RequireLocalPort(port);
        v1.MapStateApi();
        v1.MapSecretsApi();
        v1.MapHealthApi();
        v1.MapMetadataApi();
        v1.MapPublishApi();
        v1.MapShutdownApi();

        var v1Alpha1 = endpoints.MapGroup("/v1.0-alpha1").RequireLocalPort(port);
        v1Alpha1.MapBulkPublishApi();

        // The workflow API answers under all three versions daprd registers it with.
        v1.MapWorkflowApi();
        endpoints.MapGroup("/v1.0-beta1").RequireLocalPort(port).MapWorkflowApi();
        v1Alpha1.MapWorkflowApi();

        // Any route daprd does not know is a service invocation addressed by header (dapr-app-id) or Basic auth.
        endpoints.MapInvocationFallback(port);
        endpoints.MapMetricsEndpoint(options);
    }
}
