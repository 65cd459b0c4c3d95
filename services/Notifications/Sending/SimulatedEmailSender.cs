using DaprPlatform.Notifications.Model;

namespace DaprPlatform.Notifications.Sending;

/// <summary>
/// Email without a mail server. Like Amazon SES's mailbox simulator, <see cref="BounceAddress"/> bounces, so the failed
/// path can be exercised on purpose; every other address is delivered.
/// </summary>
public sealed class SimulatedEmailSender : INotificationSender
{
    public const string BounceAddress = "bounce@simulator.amazonses.com";

    public NotificationChannel Channel => NotificationChannel.Email;

    public Task<DeliveryResult> SendAsync(Recipient recipient, OutgoingMessage message, CancellationToken ct) =>
        Task.FromResult(string.Equals(recipient.Email, BounceAddress, StringComparison.OrdinalIgnoreCase)
            ? DeliveryResult.Failed(recipient.Email, "the address bounced")
            : DeliveryResult.Sent(recipient.Email));
}
