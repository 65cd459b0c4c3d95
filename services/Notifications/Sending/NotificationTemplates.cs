using System.Globalization;
using DaprPlatform.IntegrationEvents;

namespace DaprPlatform.Notifications.Sending;

/// <summary>The words of each notification, from the event that causes it.</summary>
public static class NotificationTemplates
{
    public const string WelcomeTemplate = "welcome";
    public const string OrderConfirmedTemplate = "order-confirmed";
    public const string OrderCancelledTemplate = "order-cancelled";

    // The notifications table's limits: a long reason from ordering shortens the message, it never fails the event.
    private const int MaxSubject = 300;
    private const int MaxBody = 2000;

    public static OutgoingMessage For(UserRegistered registered) => Message(
        WelcomeTemplate,
        $"Welcome to DaprPlatform, {registered.Name}",
        $"Hello {registered.Name}, your account {registered.Email} is ready.");

    public static OutgoingMessage For(OrderConfirmed confirmed) => Message(
        OrderConfirmedTemplate,
        $"Order {confirmed.OrderId} confirmed",
        string.Create(CultureInfo.InvariantCulture, $"Your order {confirmed.OrderId} is confirmed. Total: {confirmed.Total:0.00}."));

    public static OutgoingMessage For(OrderCancelled cancelled) => Message(
        OrderCancelledTemplate,
        $"Order {cancelled.OrderId} cancelled",
        $"Your order {cancelled.OrderId} was cancelled: {cancelled.Reason}");

    private static OutgoingMessage Message(string template, string subject, string body) =>
        new(template, subject[..Math.Min(subject.Length, MaxSubject)], body[..Math.Min(body.Length, MaxBody)]);
}
