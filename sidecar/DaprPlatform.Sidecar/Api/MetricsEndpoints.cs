using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Metrics;

namespace DaprPlatform.Sidecar.Api;

/// <summary>GET /metrics on the metrics port: the sidecar's metrics in the Prometheus text format.</summary>
public static class MetricsEndpoints
{
    public static void MapMetricsEndpoint(this IEndpointRouteBuilder endpoints, SidecarOptions options)
    {
        if (!options.EnableMetrics)
        {
            return;
        }

        endpoints.MapGet("/metrics", (SidecarMetrics metrics) => TypedResults.Text(metrics.RenderPrometheus(), SidecarMetrics.ContentType))
            .RequireLocalPort(options.MetricsPort);
    }
}
