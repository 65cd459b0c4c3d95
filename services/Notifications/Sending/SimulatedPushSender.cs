using DaprPlatform.Notifications.Model;

namespace DaprPlatform.Notifications.Sending;

/// <summary>Push without a push service: addressed to the user, whichever of their devices would get it.</summary>
public sealed class SimulatedPushSender : INotificationSender
{
    public NotificationChannel Channel => NotificationChannel.Push;

    public Task<DeliveryResult> SendAsync(Recipient recipient, OutgoingMessage message, CancellationToken ct) =>
        Task.FromResult(DeliveryResult.Sent(recipient.UserId));
}
