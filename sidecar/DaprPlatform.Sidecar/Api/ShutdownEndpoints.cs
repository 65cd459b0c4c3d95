namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// POST /v1.0/shutdown (daprd's shutdown API, e.g. the SDKs' <c>client.sidecar.shutdown()</c>): answers 204, then
/// runs the same graceful shutdown as SIGTERM. With a non-empty <c>Dapr-Force-Shutdown</c> header the process exits
/// with code 1 instead, skipping the graceful sequence, as daprd does for a stuck sidecar.
/// </summary>
public static class ShutdownEndpoints
{
    public const string ForceHeader = "Dapr-Force-Shutdown";
    public const int ForcedExitCode = 1;

    // Response completion means handed to the transport, not yet on the wire: exiting at once can cut the 204 off.
    private static readonly TimeSpan ForcedExitDelay = TimeSpan.FromMilliseconds(200);

    public static void MapShutdownApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/shutdown", (HttpContext context, IHostApplicationLifetime lifetime) =>
        {
            var force = !string.IsNullOrEmpty(context.Request.Headers[ForceHeader]);
            // After the response is sent, so the caller gets its 204 before the listeners close.
            context.Response.OnCompleted(() =>
            {
                if (force)
                {
                    _ = Task.Delay(ForcedExitDelay).ContinueWith(_ => Environment.Exit(ForcedExitCode), TaskScheduler.Default);
                }
                else
                {
                    lifetime.StopApplication();
                }

                return Task.CompletedTask;
            });
            return TypedResults.NoContent();
        });
    }
}
