using DaprPlatform.IntegrationEvents;
using DaprPlatform.Notifications.DeadLetters;
using DaprPlatform.Notifications.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Notifications.Events;

/// <summary>Dapr's answer to a delivery that must not be retried: <c>{"status":"DROP"}</c>.</summary>
public sealed record SubscriptionStatus(string Status)
{
    public static SubscriptionStatus Drop { get; } = new("DROP");
}

/// <summary>What a subscription endpoint needs besides its event.</summary>
public sealed record EventDelivery(HttpRequest Request, EventPayloadReader Reader, NotificationEventHandler Handler, CancellationToken CancellationToken);

/// <summary>
/// The routes the sidecar delivers to, as components/subscriptions.yaml declares them (one Subscription per topic,
/// scoped to notifications; the three event topics with <see cref="DeadLetterTopic"/>, the dead letters with raw
/// payload). A delivery is acknowledged (2xx) only after its
/// effect committed. An event that can never be processed answers DROP and one whose user is not known yet answers 409,
/// which Dapr retries by its resiliency policy; either way it ends on <see cref="DeadLetterTopic"/>, where this service
/// keeps it for an admin to redrive.
/// </summary>
public static class IntegrationEventsApi
{
    public const string DeadLetterTopic = "notifications.deadletter";

    public static void MapIntegrationEvents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/user-registered", ([AsParameters] EventDelivery delivery) =>
                DeliverAsync<UserRegistered>(delivery, Topics.UserRegistered, EventValidation.Check, delivery.Handler.HandleAsync))
            .ExcludeFromDescription();

        app.MapPost("/events/order-confirmed", ([AsParameters] EventDelivery delivery) =>
                DeliverAsync<OrderConfirmed>(delivery, Topics.OrderConfirmed, EventValidation.Check, delivery.Handler.HandleAsync))
            .ExcludeFromDescription();

        app.MapPost("/events/order-cancelled", ([AsParameters] EventDelivery delivery) =>
                DeliverAsync<OrderCancelled>(delivery, Topics.OrderCancelled, EventValidation.Check, delivery.Handler.HandleAsync))
            .ExcludeFromDescription();

        // Subscribed with raw payload: the body is the dead-lettered message as it is, i.e. the original CloudEvent with
        // its own id, topic and data, not unwrapped as if it had been published to the dead-letter topic.
        app.MapPost("/events/dead-letters", RecordDeadLetterAsync).ExcludeFromDescription();
    }

    public static async Task<Results<Ok, Ok<SubscriptionStatus>, ProblemHttpResult>> DeliverAsync<TEvent>(
        EventDelivery delivery, string topic, Func<TEvent, string?> check, Func<TEvent, CancellationToken, Task<ApplyOutcome>> handle)
        where TEvent : class
    {
        var ct = delivery.CancellationToken;
        if (await delivery.Reader.ReadAsync(delivery.Request, topic, check, ct) is not { } integrationEvent)
        {
            return TypedResults.Ok(SubscriptionStatus.Drop);
        }

        return await handle(integrationEvent, ct) switch
        {
            ApplyOutcome.Refused => TypedResults.Problem(
                title: "The user is not known yet",
                statusCode: StatusCodes.Status409Conflict,
                detail: $"{topic} names a user whose {Topics.UserRegistered} has not arrived; retry later"),
            _ => TypedResults.Ok(),
        };
    }

    public static async Task<Results<Ok, Ok<SubscriptionStatus>>> RecordDeadLetterAsync(HttpRequest request, DeadLetterRecorder recorder, CancellationToken ct)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        return await recorder.RecordAsync(body.ToArray(), ct) ? TypedResults.Ok() : TypedResults.Ok(SubscriptionStatus.Drop);
    }
}
