using DaprPlatform.Analytics.Model;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Infrastructure;

public sealed class AnalyticsContext(DbContextOptions<AnalyticsContext> options) : DbContext(options)
{
    public DbSet<CustomerStats> Customers => Set<CustomerStats>();

    public DbSet<ProductRevenue> Products => Set<ProductRevenue>();

    public DbSet<OrderOutcomeCount> Outcomes => Set<OrderOutcomeCount>();

    public DbSet<HourlyOutcome> HourlyOutcomes => Set<HourlyOutcome>();

    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<CustomerStats>(e =>
        {
            e.ToTable("customer_stats");
            e.HasKey(c => c.CustomerId);
            e.Property(c => c.CustomerId).HasMaxLength(200);
            e.Property(c => c.TotalSpent).HasPrecision(14, 2);
        });
        model.Entity<ProductRevenue>(e =>
        {
            e.ToTable("product_revenue");
            e.HasKey(p => p.ProductId);
            e.Property(p => p.ProductId).HasMaxLength(200);
            e.Property(p => p.Revenue).HasPrecision(14, 2);
        });
        model.Entity<OrderOutcomeCount>(e =>
        {
            e.ToTable("order_outcomes");
            e.HasKey(o => o.Outcome);
            e.Property(o => o.Outcome).HasMaxLength(50);
        });
        model.Entity<HourlyOutcome>(e =>
        {
            e.ToTable("order_outcomes_hourly");
            e.HasKey(o => o.Hour);
        });
        model.Entity<ProcessedEvent>(e =>
        {
            e.ToTable("processed_events");
            e.HasKey(p => p.EventId);
            e.Property(p => p.Topic).HasMaxLength(200);
        });
    }
}
