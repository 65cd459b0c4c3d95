using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Outbox;

public static class OutboxModel
{
    public const string TableName = "outbox_messages";

    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    /// <summary>Maps <see cref="OutboxMessage"/> into the service's own model (call from OnModelCreating).</summary>
    public static ModelBuilder AddOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable(TableName);
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).HasColumnName("id").ValueGeneratedNever();
            message.Property(m => m.Topic).HasColumnName("topic").HasMaxLength(200);
            message.Property(m => m.Payload).HasColumnName("payload").HasColumnType("jsonb");
            message.Property(m => m.CreatedAt).HasColumnName("created_at");
            message.Property(m => m.NextAttemptAt).HasColumnName("next_attempt_at");
            message.Property(m => m.Attempts).HasColumnName("attempts");
            message.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(2000);
            message.Property(m => m.PublishedAt).HasColumnName("published_at");
            // The dispatcher's query reads only unpublished rows, in the order they were written.
            message.HasIndex(m => new { m.NextAttemptAt, m.CreatedAt }).HasFilter("published_at IS NULL").HasDatabaseName("ix_outbox_pending");
        });
        return modelBuilder;
    }

    /// <summary>
    /// Adds the event to <paramref name="db"/>'s change tracker: it is written by the caller's next SaveChanges, in
    /// the caller's transaction, and published by the dispatcher after the commit.
    /// </summary>
    public static OutboxMessage AddOutboxEvent<TEvent>(this DbContext db, string topic, Guid eventId, TEvent payload, DateTimeOffset now)
    {
        var message = new OutboxMessage
        {
            Id = eventId,
            Topic = topic,
            Payload = JsonSerializer.Serialize(payload, PayloadJson),
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.Set<OutboxMessage>().Add(message);
        return message;
    }
}
