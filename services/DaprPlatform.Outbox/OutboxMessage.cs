namespace DaprPlatform.Outbox;

/// <summary>
/// An integration event waiting to be published: written in the same transaction as the change it announces, so
/// the change and the event commit together or not at all. The id is the event's id, which consumers record.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    public required string Topic { get; set; }

    /// <summary>The event as JSON (web casing), published as the CloudEvent's data.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the dispatcher may try next; moved forward by the backoff after each failed publish.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>Null until the broker accepted it; published rows are purged after <see cref="OutboxOptions.RetainPublished"/>.</summary>
    public DateTimeOffset? PublishedAt { get; set; }
}
