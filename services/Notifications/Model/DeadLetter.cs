using System.Text.Json.Serialization;

namespace DaprPlatform.Notifications.Model;

[JsonConverter(typeof(JsonStringEnumConverter<DeadLetterStatus>))]
public enum DeadLetterStatus
{
    Pending,
    Redriven,
}

/// <summary>
/// A message some subscription gave up on. One row per message (its original topic and <see cref="MessageKey"/>):
/// when a redriven message fails again it comes back to the same row, Pending again, one more attempt counted.
/// </summary>
public sealed class DeadLetter
{
    public Guid Id { get; set; }

    public required string OriginalTopic { get; set; }

    /// <summary>The event's own id (its data's eventId) when it has one, else the CloudEvent id.</summary>
    public required string MessageKey { get; set; }

    /// <summary>The CloudEvent id of the latest dead-lettered delivery.</summary>
    public required string CloudEventId { get; set; }

    /// <summary>The original CloudEvent's data (JSON): what a redrive publishes again.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset LastReceivedAt { get; set; }

    public DeadLetterStatus Status { get; set; }

    public DateTimeOffset? RedrivenAt { get; set; }

    /// <summary>How many times this message reached the dead-letter topic.</summary>
    public int AttemptCount { get; set; }
}
