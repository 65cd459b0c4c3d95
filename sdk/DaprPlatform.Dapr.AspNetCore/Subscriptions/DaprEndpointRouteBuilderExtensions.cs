using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DaprPlatform.Dapr.AspNetCore;

public static class DaprEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves <c>GET /dapr/subscribe</c>, the list daprd reads at start-up to learn the app's programmatic
    /// subscriptions, built from every endpoint carrying <see cref="TopicAttribute"/> (or <c>WithTopic</c>).
    /// </summary>
    public static IEndpointConventionBuilder MapSubscribeHandler(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // DataSources is live: endpoints mapped after this call are still seen when daprd asks.
        var dataSources = endpoints.DataSources;
        return endpoints.MapGet("/dapr/subscribe", () =>
                TypedResults.Json(
                    SubscriptionCollector.Collect(dataSources.SelectMany(source => source.Endpoints)),
                    DaprAspNetCoreJsonContext.Default.ListDaprSubscription))
            .ExcludeFromDescription();
    }
}
