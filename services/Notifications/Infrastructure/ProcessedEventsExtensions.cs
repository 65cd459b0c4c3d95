using DaprPlatform.Notifications.Model;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Notifications.Infrastructure;

public enum ApplyOutcome
{
    Applied,

    /// <summary>The event had been applied before; this delivery changed nothing.</summary>
    Duplicate,

    /// <summary>The effect refused the event (it cannot be applied yet); nothing was kept, not even the claim.</summary>
    Refused,
}

public static class ProcessedEventsExtensions
{
    /// <summary>
    /// Applies an event at most once per consumer: the processed_events row and the effect commit in one transaction, so
    /// a redelivery (at-least-once delivery) finds the row and changes nothing, and of two concurrent deliveries of one
    /// event only the first commits. Returns only after the commit, so the caller acknowledges committed work alone.
    /// </summary>
    /// <param name="apply">Adds or writes the effect; false refuses the event and rolls everything back.</param>
    public static async Task<ApplyOutcome> ApplyOnceAsync(
        this NotificationsContext db, string eventId, string consumer, TimeProvider time, Func<Task<bool>> apply, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.ProcessedEvents.Add(new ProcessedEvent { EventId = eventId, Consumer = consumer, ProcessedAt = time.GetUtcNow() });
        try
        {
            // The claim first: a concurrent delivery of the same event waits on this row and then fails on it.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return ApplyOutcome.Duplicate;
        }

        if (!await apply())
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return ApplyOutcome.Refused;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return ApplyOutcome.Applied;
    }
}
