using DaprPlatform.Ordering.Model;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// Orders and outbox rows straight in ordering's database: what a crash leaves behind, and what the API does not show
/// (how many events an order wrote, whether its saga was recorded as started).
/// </summary>
public static class OrderRows
{
    /// <summary>
    /// Commits an order as placement does, without scheduling a saga. <paramref name="sagaStarted"/> false leaves it as
    /// a crash right after the commit would: the recovery's to start.
    /// </summary>
    public static async Task<Order> InsertOrderAsync(
        this OrderingPlatform platform,
        string customerId,
        OrderStatus status = OrderStatus.Pending,
        DateTimeOffset? createdAt = null,
        bool sagaStarted = true,
        string paymentMethod = "pm_card_visa")
    {
        var id = Guid.CreateVersion7().ToString();
        var at = createdAt ?? DateTimeOffset.UtcNow;
        var order = new Order
        {
            Id = id,
            CustomerId = customerId,
            IdempotencyKey = $"key-{id}",
            RequestHash = new string('0', 64),
            PaymentMethod = paymentMethod,
            Status = status,
            // Seed product 3 (9.00): below the approval threshold, plenty of stock.
            Items = [new OrderItem { OrderId = id, ProductId = 3, ProductName = "Ceramic mug", Quantity = 2, UnitPrice = 9.00m }],
            Total = 18.00m,
            CreatedAt = at,
            UpdatedAt = at,
            SagaStartedAt = sagaStarted ? at : null,
        };
        await using var db = platform.CreateContext();
        db.Orders.Add(order);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return order;
    }

    public static async Task<Order?> FindOrderAsync(this OrderingPlatform platform, string orderId)
    {
        await using var db = platform.CreateContext();
        return await db.Orders.AsNoTracking().Include(o => o.Items).SingleOrDefaultAsync(o => o.Id == orderId, TestContext.Current.CancellationToken);
    }

    public static async Task<int> CountOrdersAsync(this OrderingPlatform platform, string customerId)
    {
        await using var db = platform.CreateContext();
        return await db.Orders.CountAsync(o => o.CustomerId == customerId, TestContext.Current.CancellationToken);
    }

    /// <summary>The outbox rows on <paramref name="topic"/> whose event is about <paramref name="orderId"/>.</summary>
    public static async Task<IReadOnlyList<string>> OutboxPayloadsAsync(this OrderingPlatform platform, string topic, string orderId)
    {
        await using var db = platform.CreateContext();
        return await db.Database
            .SqlQuery<string>($"SELECT payload::text AS \"Value\" FROM outbox_messages WHERE topic = {topic} AND payload->>'orderId' = {orderId}")
            .ToListAsync(TestContext.Current.CancellationToken);
    }
}
