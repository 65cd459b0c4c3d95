using DaprPlatform.IntegrationEvents;
using DaprPlatform.Ordering.Infrastructure;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Ordering.Telemetry;
using DaprPlatform.Outbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Ordering.Saga;

/// <summary>
/// The saga's final writes: the order's status and its integration event in one transaction (the outbox), so an
/// order is never confirmed or cancelled without its event, nor the event sent for an order that was not. Each is
/// idempotent: a retried activity finds the order final and writes nothing.
/// </summary>
public sealed partial class OrderOutcomes(
    IDbContextFactory<OrderingContext> contexts, OutboxSignal outbox, OrderingMetrics metrics, TimeProvider clock, ILogger<OrderOutcomes> logger)
{
    public Task ConfirmAsync(string orderId, string paymentId, CancellationToken ct) =>
        EndAsync(orderId, OrderStatus.Confirmed, ct, (db, order, now) =>
        {
            order.PaymentId = paymentId;
            var lines = order.Items.Select(i => new OrderEventLine(i.ProductId.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Quantity, i.UnitPrice)).ToList();
            var eventId = Guid.CreateVersion7(now);
            db.AddOutboxEvent(Topics.OrderConfirmed, eventId, new OrderConfirmed(eventId, order.Id, order.CustomerId, lines, order.Total, now), now);
        });

    public Task CancelAsync(string orderId, string reason, CancellationToken ct) =>
        EndAsync(orderId, OrderStatus.Cancelled, ct, (db, order, now) =>
        {
            order.CancellationReason = reason;
            var eventId = Guid.CreateVersion7(now);
            db.AddOutboxEvent(Topics.OrderCancelled, eventId, new OrderCancelled(eventId, order.Id, order.CustomerId, reason, now), now);
        });

    private async Task EndAsync(string orderId, OrderStatus final, CancellationToken ct, Action<OrderingContext, Order, DateTimeOffset> apply)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The row lock orders this against a concurrent retry of the same activity.
        var order = await db.Orders.FromSqlInterpolated($"SELECT * FROM orders WHERE \"Id\" = {orderId} FOR UPDATE")
            .Include(o => o.Items)
            .SingleOrDefaultAsync(ct)
            ?? throw new InvalidOperationException($"order {orderId} does not exist");
        if (order.Status == final)
        {
            return;
        }

        if (order.Status != OrderStatus.Pending)
        {
            // Only the saga ends an order, once; the other ending means two sagas ran for it.
            throw new InvalidOperationException($"order {orderId} is {order.Status}; it cannot become {final}");
        }

        var now = clock.GetUtcNow();
        order.Status = final;
        order.UpdatedAt = now;
        apply(db, order, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        outbox.Notify();
        metrics.OrderCompleted(final, order.CancellationReason, now - order.CreatedAt);
        LogOrderEnded(orderId, final);
    }

    [LoggerMessage(LogLevel.Information, "Order {OrderId} is {Status}")]
    private partial void LogOrderEnded(string orderId, OrderStatus status);
}
