using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Catalog.Infrastructure;

/// <summary>For `dotnet ef migrations add`: builds the model without a running database or the app's configuration.</summary>
public sealed class CatalogContextFactory : IDesignTimeDbContextFactory<CatalogContext>
{
    public CatalogContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CatalogContext>().UseNpgsql("Host=localhost;Database=catalog").Options);
}
