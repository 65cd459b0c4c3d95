using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime;

namespace DaprPlatform.Sidecar.Api;

/// <summary>/v1.0/healthz (components, app channel) and /v1.0/healthz/outbound (components only).</summary>
public static class HealthEndpoints
{
    public static void MapHealthApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/healthz", (string? appid, RuntimeMetadata runtime, SidecarOptions options) =>
        {
            if (appid is not null && appid != options.AppId)
            {
                throw DaprErrors.HealthAppIdNotMatch().ToException();
            }

            if (!runtime.ComponentsReady || !runtime.AppReady)
            {
                var waiting = string.Join(", ", new[] { runtime.ComponentsReady ? null : "components", runtime.AppReady ? null : "app channel" }.OfType<string>());
                throw DaprErrors.HealthNotReady(waiting).ToException();
            }

            return TypedResults.NoContent();
        });

        v1.MapGet("/healthz/outbound", (RuntimeMetadata runtime) =>
            runtime.ComponentsReady ? TypedResults.NoContent() : throw DaprErrors.OutboundHealthNotReady().ToException());
    }
}
