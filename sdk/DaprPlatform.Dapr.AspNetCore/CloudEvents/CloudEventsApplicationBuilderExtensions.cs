using Microsoft.AspNetCore.Builder;

namespace DaprPlatform.Dapr.AspNetCore;

public static class CloudEventsApplicationBuilderExtensions
{
    /// <summary>
    /// Unwraps CloudEvents (<c>application/cloudevents+json</c>) so handlers bind the event's data, exposes the envelope
    /// as <see cref="CloudEventEnvelope"/>, and maps subscribed handlers' exceptions to RETRY and undeliverable data to
    /// DROP. Call it after routing (the default in <c>WebApplication</c>) and before the endpoints run.
    /// </summary>
    public static IApplicationBuilder UseCloudEvents(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<CloudEventsMiddleware>();
    }
}
