using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.Analytics.Model;
using DaprPlatform.IntegrationEvents;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Analytics.Events;

/// <summary>
/// Applies order events to the read models at most once: the event id goes into processed_events in the same
/// transaction as the counters it moves, so a redelivered event (at-least-once delivery) finds it and changes nothing,
/// and of two concurrent deliveries of one event only the first commits.
/// </summary>
public sealed partial class OrderEventProjector(AnalyticsContext db, TimeProvider time, ILogger<OrderEventProjector> logger)
{
    public Task<bool> ApplyAsync(OrderConfirmed confirmed, CancellationToken ct) =>
        ApplyOnceAsync(confirmed.EventId, Topics.OrderConfirmed, async () =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO customer_stats ("CustomerId", "OrdersCount", "TotalSpent") VALUES ({confirmed.CustomerId}, 1, {confirmed.Total})
                ON CONFLICT ("CustomerId") DO UPDATE SET "OrdersCount" = customer_stats."OrdersCount" + 1,
                                                         "TotalSpent" = customer_stats."TotalSpent" + EXCLUDED."TotalSpent"
                """, ct);
            foreach (var line in confirmed.Lines)
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO product_revenue ("ProductId", "UnitsSold", "Revenue") VALUES ({line.ProductId}, {line.Quantity}, {line.Quantity * line.UnitPrice})
                    ON CONFLICT ("ProductId") DO UPDATE SET "UnitsSold" = product_revenue."UnitsSold" + EXCLUDED."UnitsSold",
                                                            "Revenue" = product_revenue."Revenue" + EXCLUDED."Revenue"
                    """, ct);
            }

            await CountOutcomeAsync("confirmed", ct);
            await CountHourlyAsync(confirmed.OccurredAt, confirmed: 1, cancelled: 0, ct);
        }, ct);

    public Task<bool> ApplyAsync(OrderCancelled cancelled, CancellationToken ct) =>
        ApplyOnceAsync(cancelled.EventId, Topics.OrderCancelled, async () =>
        {
            await CountOutcomeAsync("cancelled", ct);
            await CountHourlyAsync(cancelled.OccurredAt, confirmed: 0, cancelled: 1, ct);
        }, ct);

    /// <returns>False when the event had been applied already.</returns>
    private async Task<bool> ApplyOnceAsync(Guid eventId, string topic, Func<Task> apply, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.ProcessedEvents.Add(new ProcessedEvent { EventId = eventId, Topic = topic, ProcessedAt = time.GetUtcNow() });
        try
        {
            // First the claim: a concurrent delivery of the same event waits on this row and then fails on it.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            LogDuplicate(eventId, topic);
            return false;
        }

        await apply();
        await transaction.CommitAsync(ct);
        return true;
    }

    private Task CountOutcomeAsync(string outcome, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO order_outcomes ("Outcome", "Count") VALUES ({outcome}, 1)
            ON CONFLICT ("Outcome") DO UPDATE SET "Count" = order_outcomes."Count" + 1
            """, ct);

    // Counted by when the order ended (the event's time), not when the event arrived: a backlog lands in its own hours.
    private Task CountHourlyAsync(DateTimeOffset occurredAt, int confirmed, int cancelled, CancellationToken ct)
    {
        var utc = occurredAt.UtcDateTime;
        var hour = new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
        return db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO order_outcomes_hourly ("Hour", "Confirmed", "Cancelled") VALUES ({hour}, {confirmed}, {cancelled})
            ON CONFLICT ("Hour") DO UPDATE SET "Confirmed" = order_outcomes_hourly."Confirmed" + EXCLUDED."Confirmed",
                                               "Cancelled" = order_outcomes_hourly."Cancelled" + EXCLUDED."Cancelled"
            """, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} on {Topic} was applied before; this delivery changes nothing")]
    private partial void LogDuplicate(Guid eventId, string topic);
}
