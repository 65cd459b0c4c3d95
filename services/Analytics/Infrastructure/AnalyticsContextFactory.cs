using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Analytics.Infrastructure;

/// <summary>For `dotnet ef migrations add`: builds the model without a running database or the app's configuration.</summary>
public sealed class AnalyticsContextFactory : IDesignTimeDbContextFactory<AnalyticsContext>
{
    public AnalyticsContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AnalyticsContext>().UseNpgsql("Host=localhost;Database=analytics").Options);
}
