using DaprPlatform.Notifications.Model;

namespace DaprPlatform.Notifications.Sending;

/// <summary>
/// SMS without a carrier. Like Twilio's test numbers, <see cref="InvalidNumber"/> is refused as invalid; a user who gave
/// no number is skipped (nothing could be sent, and nothing went wrong).
/// </summary>
public sealed class SimulatedSmsSender : INotificationSender
{
    public const string InvalidNumber = "+15005550001";

    public NotificationChannel Channel => NotificationChannel.Sms;

    public Task<DeliveryResult> SendAsync(Recipient recipient, OutgoingMessage message, CancellationToken ct) =>
        Task.FromResult(recipient.Phone switch
        {
            null or "" => DeliveryResult.Skipped("no phone number"),
            InvalidNumber => DeliveryResult.Failed(InvalidNumber, "the phone number is not valid"),
            var phone => DeliveryResult.Sent(phone),
        });
}
