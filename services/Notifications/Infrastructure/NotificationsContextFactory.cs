using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DaprPlatform.Notifications.Infrastructure;

/// <summary>For `dotnet ef migrations add`: builds the model without a running database or the app's configuration.</summary>
public sealed class NotificationsContextFactory : IDesignTimeDbContextFactory<NotificationsContext>
{
    public NotificationsContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<NotificationsContext>().UseNpgsql("Host=localhost;Database=notifications").Options);
}
