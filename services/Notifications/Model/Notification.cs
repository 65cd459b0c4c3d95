using System.Text.Json.Serialization;

namespace DaprPlatform.Notifications.Model;

[JsonConverter(typeof(JsonStringEnumConverter<NotificationChannel>))]
public enum NotificationChannel
{
    Email,
    Sms,
    Push,
}

[JsonConverter(typeof(JsonStringEnumConverter<NotificationStatus>))]
public enum NotificationStatus
{
    Sent,
    Failed,
    Skipped,
}

/// <summary>
/// One message on one channel and what became of it. <see cref="SourceEventId"/> with <see cref="Channel"/> is unique:
/// an event can never notify twice on a channel, even past the processed_events check.
/// </summary>
public sealed class Notification
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public NotificationChannel Channel { get; set; }

    /// <summary>Which message this is (welcome, order-confirmed, order-cancelled).</summary>
    public required string Template { get; set; }

    public required string Subject { get; set; }

    public required string Body { get; set; }

    /// <summary>The address, number or user the sender was given; null when there was none (a skipped SMS).</summary>
    public string? Recipient { get; set; }

    public NotificationStatus Status { get; set; }

    /// <summary>Why it failed or was skipped.</summary>
    public string? StatusReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public Guid SourceEventId { get; set; }
}
