using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Dapr.AspNetCore;

public static class CloudEventHttpContextExtensions
{
    /// <summary>The envelope of the CloudEvent this request carried, or <c>null</c> when it was not one.</summary>
    public static CloudEventEnvelope? GetCloudEvent(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<CloudEventEnvelope>();
    }
}
