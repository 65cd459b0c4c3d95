namespace DaprPlatform.Notifications.Model;

/// <summary>
/// An event a consumer already applied: written in the transaction that applied it, so a redelivery finds it. The id
/// is the event's own (its record's EventId), or the CloudEvent id for dead letters, which have no other.
/// </summary>
public sealed class ProcessedEvent
{
    public required string EventId { get; set; }

    public required string Consumer { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
