using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Model;

namespace DaprPlatform.Notifications.Sending;

/// <summary>
/// Sends a message on each channel through that channel's sender and adds the outcome to the context as a
/// notification row. It saves nothing: the caller commits the rows in the transaction that marks their event processed.
/// </summary>
public sealed partial class NotificationDispatcher(
    NotificationsContext db, IEnumerable<INotificationSender> senders, TimeProvider time, ILogger<NotificationDispatcher> logger)
{
    private readonly Dictionary<NotificationChannel, INotificationSender> _senders = senders.ToDictionary(s => s.Channel);

    public async Task SendAsync(
        Recipient recipient, IEnumerable<NotificationChannel> channels, OutgoingMessage message, Guid sourceEventId, CancellationToken ct)
    {
        foreach (var channel in channels)
        {
            var result = await _senders[channel].SendAsync(recipient, message, ct);
            var now = time.GetUtcNow();
            db.Notifications.Add(new Notification
            {
                Id = Guid.CreateVersion7(now),
                UserId = recipient.UserId,
                Channel = channel,
                Template = message.Template,
                Subject = message.Subject,
                Body = message.Body,
                Recipient = result.Recipient,
                Status = result.Status,
                StatusReason = result.Reason,
                CreatedAt = now,
                SentAt = result.Status == NotificationStatus.Sent ? now : null,
                SourceEventId = sourceEventId,
            });
            LogDelivered(message.Template, channel, recipient.UserId, result.Status, result.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Template} on {Channel} for user {UserId}: {Status} {Reason}")]
    private partial void LogDelivered(string template, NotificationChannel channel, string userId, NotificationStatus status, string? reason);
}
