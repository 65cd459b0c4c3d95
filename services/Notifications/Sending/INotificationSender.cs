using DaprPlatform.Notifications.Model;

namespace DaprPlatform.Notifications.Sending;

/// <summary>Who a notification is for, as far as any channel needs to know.</summary>
public sealed record Recipient(string UserId, string Email, string? Phone);

/// <summary>What to say: the same words go out on every channel.</summary>
public sealed record OutgoingMessage(string Template, string Subject, string Body);

/// <summary>What a channel did with a message, and to which address.</summary>
public sealed record DeliveryResult(NotificationStatus Status, string? Recipient, string? Reason)
{
    public static DeliveryResult Sent(string recipient) => new(NotificationStatus.Sent, recipient, null);

    public static DeliveryResult Failed(string recipient, string reason) => new(NotificationStatus.Failed, recipient, reason);

    public static DeliveryResult Skipped(string reason) => new(NotificationStatus.Skipped, null, reason);
}

/// <summary>
/// Delivers on one channel. A delivery that fails is an answer, not an exception: it is recorded with its reason and the
/// event is still acknowledged, since sending it again would fail the same way.
/// </summary>
public interface INotificationSender
{
    NotificationChannel Channel { get; }

    Task<DeliveryResult> SendAsync(Recipient recipient, OutgoingMessage message, CancellationToken ct);
}
