using DaprPlatform.IntegrationEvents;

namespace DaprPlatform.Notifications.Events;

/// <summary>
/// Whether an event can ever be processed: one that cannot (no id, no user) is dropped to the dead-letter topic at once,
/// since retrying it would fail the same way every time.
/// </summary>
public static class EventValidation
{
    private const int MaxId = 200;

    /// <returns>Why the event can never be processed, or null when it can.</returns>
    public static string? Check(UserRegistered e) =>
        e.EventId == Guid.Empty ? "no eventId"
        : !IsId(e.UserId) ? "no userId (1 to 200 characters)"
        : string.IsNullOrWhiteSpace(e.Email) || e.Email.Length > 320 || !e.Email.Contains('@') ? "no email address"
        : e.Name is null || e.Name.Length > 200 ? "no name (at most 200 characters)"
        : null;

    public static string? Check(OrderConfirmed e) => CheckOrderEvent(e.EventId, e.OrderId, e.CustomerId);

    public static string? Check(OrderCancelled e) =>
        CheckOrderEvent(e.EventId, e.OrderId, e.CustomerId) ?? (e.Reason is null ? "no reason" : null);

    private static string? CheckOrderEvent(Guid eventId, string orderId, string customerId) =>
        eventId == Guid.Empty ? "no eventId"
        : !IsId(orderId) ? "no orderId (1 to 200 characters)"
        : !IsId(customerId) ? "no customerId (1 to 200 characters)"
        : null;

    private static bool IsId(string? id) => !string.IsNullOrWhiteSpace(id) && id.Length <= MaxId;
}
