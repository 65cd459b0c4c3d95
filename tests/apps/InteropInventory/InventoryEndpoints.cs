using System.Collections.Concurrent;
using DaprPlatform.Dapr.AspNetCore;
using DaprPlatform.Dapr.Client;

namespace DaprPlatform.InteropInventory;

/// <summary>
/// The C# side of the interop test: reserves stock for the JavaScript checkout app (asking the JavaScript shipping app
/// for a quote), keeps the reservation in a state store the JavaScript apps read too, announces it on the
/// reservations topic and listens to the orders topic. Everything goes through this app's sidecar.
/// </summary>
public static class InventoryEndpoints
{
    public static void MapInventory(this IEndpointRouteBuilder app, InteropSettings settings)
    {
        var received = new ConcurrentQueue<ReceivedOrder>();

        app.MapGet("/healthz", () => TypedResults.Ok());

        app.MapPost("/reserve", async (ReservationRequest request, DaprClient dapr, CancellationToken cancellationToken) =>
        {
            var quote = await dapr.InvokeMethodAsync<ReservationRequest, ShippingQuote>(settings.ShippingAppId, "quote", request, cancellationToken);
            var reservation = new Reservation(request.OrderId, request.Item, request.Quantity, settings.AppId, quote!);
            await dapr.SaveStateAsync(settings.SharedStore, $"reservation-{request.OrderId}", reservation, cancellationToken: cancellationToken);
            await dapr.PublishEventAsync(settings.PubSub, settings.ReservationsTopic, reservation, cancellationToken);
            return TypedResults.Ok(reservation);
        });

        app.MapPost("/orders", async (OrderPlaced order, CloudEventEnvelope envelope, DaprClient dapr, CancellationToken cancellationToken) =>
        {
            await dapr.SaveStateAsync(InteropSettings.StateStore, $"seen-{order.OrderId}", order, cancellationToken: cancellationToken);
            received.Enqueue(new ReceivedOrder(order, envelope.Source, envelope.Topic, envelope.PubsubName));
            return TopicResults.Success();
        }).WithTopic(settings.PubSub, settings.OrdersTopic);

        app.MapGet("/received", () => TypedResults.Ok(received.ToList()));
    }
}
