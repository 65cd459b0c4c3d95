using Dapr.Workflow;
using DaprPlatform.Ordering.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Ordering.Saga;

/// <summary>
/// Counts how often each saga activity ran for an order, as the activity starts: the workflow's retry policy schedules
/// each retry itself, so neither the workflow's code nor its custom status sees them. A redelivered attempt (same
/// scheduled event) is counted once.
/// </summary>
public sealed partial class SagaAttempts(IDbContextFactory<OrderingContext> contexts, TimeProvider clock, ILogger<SagaAttempts> logger)
{
    public async Task RecordAsync(WorkflowActivityContext context)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO saga_step_attempts ("OrderId", "Activity", "ScheduledEventId", "StartedAt")
                VALUES ({context.InstanceId}, {context.Identifier.Name}, {context.ScheduledEventId}, {clock.GetUtcNow()})
                ON CONFLICT DO NOTHING
                """);
        }
        catch (Exception e)
        {
            // The count is shown, not acted on: losing one must not fail the step it describes.
            LogNotRecorded(e, context.Identifier.Name, context.InstanceId);
        }
    }

    /// <summary>Attempts per activity name for the order.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> CountAsync(OrderingContext db, string orderId, CancellationToken ct) =>
        await db.SagaStepAttempts.AsNoTracking().Where(a => a.OrderId == orderId)
            .GroupBy(a => a.Activity)
            .Select(g => new { Activity = g.Key, Count = g.Count() })
            .ToDictionaryAsync(a => a.Activity, a => a.Count, StringComparer.Ordinal, ct);

    [LoggerMessage(LogLevel.Warning, "The attempt of activity {Activity} for order {OrderId} was not counted")]
    private partial void LogNotRecorded(Exception exception, string activity, string orderId);
}
