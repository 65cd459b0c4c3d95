using DaprPlatform.IntegrationEvents;

namespace DaprPlatform.Analytics.Events;

/// <summary>
/// The routes the sidecar delivers order events to, as components/subscriptions.yaml declares them (scoped to
/// analytics). A delivery is acknowledged (2xx) only after its
/// effect committed; a failure answers 500, which the sidecar retries and finally dead-letters.
/// </summary>
public static class OrderEventsApi
{
    public static void MapOrderEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/order-confirmed", async (OrderConfirmed confirmed, OrderEventProjector projector, CancellationToken ct) =>
        {
            await projector.ApplyAsync(confirmed, ct);
            return TypedResults.Ok();
        }).ExcludeFromDescription();

        app.MapPost("/events/order-cancelled", async (OrderCancelled cancelled, OrderEventProjector projector, CancellationToken ct) =>
        {
            await projector.ApplyAsync(cancelled, ct);
            return TypedResults.Ok();
        }).ExcludeFromDescription();
    }
}
