using System.Collections.Concurrent;
using Dapr.Client;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.InteropInventory;

/// <summary>
/// The C# side of the interop test: reserves stock for the JavaScript checkout app (asking the JavaScript shipping app
/// for a quote), keeps the reservation in a state store the JavaScript apps read too, announces it on the
/// reservations topic and listens to the orders topic. Everything goes through this app's sidecar.
/// </summary>
public static class InventoryEndpoints
{
    /// <summary>The named HttpClient whose requests go to other apps through the sidecar (Dapr's InvocationHandler).</summary>
    public const string InvokeClient = "invoke";

    public static void MapInventory(this IEndpointRouteBuilder app, InteropSettings settings)
    {
        var received = new ConcurrentQueue<ReceivedOrder>();

        app.MapGet("/healthz", () => TypedResults.Ok());

        app.MapPost("/reserve", async (ReservationRequest request, DaprClient dapr, IHttpClientFactory clients, CancellationToken cancellationToken) =>
        {
            using var quoted = await clients.CreateClient(InvokeClient).PostAsJsonAsync(
                $"http://{settings.ShippingAppId}/quote", request, InteropJsonContext.Default.ReservationRequest, cancellationToken);
            quoted.EnsureSuccessStatusCode();
            var quote = (await quoted.Content.ReadFromJsonAsync(InteropJsonContext.Default.ShippingQuote, cancellationToken))!;
            var reservation = new Reservation(request.OrderId, request.Item, request.Quantity, settings.AppId, quote);
            await dapr.SaveStateAsync(settings.SharedStore, $"reservation-{request.OrderId}", reservation, cancellationToken: cancellationToken);
            await dapr.PublishEventAsync(settings.PubSub, settings.ReservationsTopic, reservation, cancellationToken);
            return TypedResults.Ok(reservation);
        });

        app.MapPost("/orders", async (
            OrderPlaced order,
            [FromHeader(Name = "Cloudevent.source")] string? source,
            [FromHeader(Name = "Cloudevent.topic")] string? topic,
            DaprClient dapr,
            CancellationToken cancellationToken) =>
        {
            await dapr.SaveStateAsync(InteropSettings.StateStore, $"seen-{order.OrderId}", order, cancellationToken: cancellationToken);
            received.Enqueue(new ReceivedOrder(order, source, topic));
            return TypedResults.Ok();
        }).WithTopic(settings.PubSub, settings.OrdersTopic);

        app.MapGet("/received", () => TypedResults.Ok(received.ToList()));
    }
}
