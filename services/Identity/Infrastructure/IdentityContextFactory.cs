using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Identity.Infrastructure;

/// <summary>For `dotnet ef migrations add`: builds the model without a running database or the app's configuration.</summary>
public sealed class IdentityContextFactory : IDesignTimeDbContextFactory<IdentityContext>
{
    public IdentityContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<IdentityContext>().UseNpgsql("Host=localhost;Database=identity").Options);
}
