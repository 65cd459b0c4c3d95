using System.Diagnostics;
using DaprPlatform.Sidecar.Hosting;

namespace DaprPlatform.Sidecar.Runtime.Metrics;

/// <summary>
/// Counts and times every request on the HTTP API port (dapr_http_server_request_count / _latency), including
/// the ones answered with an error or refused for a missing API token, since it runs before those middlewares.
/// </summary>
public sealed class HttpServerMetricsMiddleware(RequestDelegate next, SidecarMetrics metrics, SidecarOptions options)
{
    private static readonly HashSet<string> KnownVerbs = ["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE"];

    // Requests on the other ports (internal invocation, gRPC, metrics) pass straight through, without a state machine.
    public Task InvokeAsync(HttpContext context) =>
        metrics.Enabled && context.Connection.LocalPort == options.HttpPort ? MeasureAsync(context) : next(context);

    private async Task MeasureAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var method = KnownVerbs.TryGetValue(context.Request.Method, out var verb) ? verb : "UNKNOWN";
            metrics.RecordHttpServerRequest(
                method,
                MetricsPathLabel.From(context.Request.Path.Value ?? ""),
                context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
