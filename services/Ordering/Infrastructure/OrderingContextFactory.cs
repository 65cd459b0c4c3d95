using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Ordering.Infrastructure;

/// <summary>For `dotnet ef migrations add`: builds the model without a running database or the app's configuration.</summary>
public sealed class OrderingContextFactory : IDesignTimeDbContextFactory<OrderingContext>
{
    public OrderingContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OrderingContext>().UseNpgsql("Host=localhost;Database=ordering").Options);
}
