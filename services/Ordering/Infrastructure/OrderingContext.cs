using DaprPlatform.Ordering.Model;
using DaprPlatform.Outbox;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Ordering.Infrastructure;

public sealed class OrderingContext(DbContextOptions<OrderingContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    public DbSet<SagaStepAttempt> SagaStepAttempts => Set<SagaStepAttempt>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Id).HasMaxLength(64);
            order.Property(o => o.CustomerId).HasMaxLength(64);
            order.Property(o => o.IdempotencyKey).HasMaxLength(200);
            order.Property(o => o.RequestHash).HasMaxLength(64);
            order.Property(o => o.PaymentMethod).HasMaxLength(100);
            order.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
            order.Property(o => o.Total).HasPrecision(14, 2);
            order.Property(o => o.PaymentId).HasMaxLength(200);
            order.Property(o => o.CancellationReason).HasMaxLength(2000);
            // One order per customer and key, whatever races: the second insert fails and is answered with the first.
            order.HasIndex(o => new { o.CustomerId, o.IdempotencyKey }).IsUnique();
            order.HasIndex(o => new { o.CustomerId, o.CreatedAt });
            // The recovery reads only orders whose saga was never scheduled.
            order.HasIndex(o => o.CreatedAt).HasFilter("\"SagaStartedAt\" IS NULL").HasDatabaseName("ix_orders_saga_not_started");
            order.HasMany(o => o.Items).WithOne().HasForeignKey(i => i.OrderId);
        });
        model.Entity<OrderItem>(item =>
        {
            item.ToTable("order_items");
            item.Property(i => i.ProductName).HasMaxLength(200);
            item.Property(i => i.UnitPrice).HasPrecision(12, 2);
        });
        model.Entity<SagaStepAttempt>(attempt =>
        {
            attempt.ToTable("saga_step_attempts");
            attempt.HasKey(a => new { a.OrderId, a.Activity, a.ScheduledEventId });
            attempt.Property(a => a.OrderId).HasMaxLength(64);
            attempt.Property(a => a.Activity).HasMaxLength(100);
        });
        model.AddOutbox();
    }
}
