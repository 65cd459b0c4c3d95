using DaprPlatform.Notifications.Model;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Infrastructure;

public sealed class NotificationsContext(DbContextOptions<NotificationsContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    public DbSet<NotificationPreferences> Preferences => Set<NotificationPreferences>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<ProcessedEvent> ProcessedEvents => Set<ProcessedEvent>();

    public DbSet<DeadLetter> DeadLetters => Set<DeadLetter>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>(e =>
        {
            e.ToTable("users");
            e.Property(u => u.Id).HasMaxLength(200);
            e.Property(u => u.Email).HasMaxLength(320);
            e.Property(u => u.Name).HasMaxLength(200);
        });
        model.Entity<NotificationPreferences>(e =>
        {
            e.ToTable("notification_preferences");
            e.HasKey(p => p.UserId);
            e.Property(p => p.UserId).HasMaxLength(200);
            e.Property(p => p.Phone).HasMaxLength(16);
        });
        model.Entity<Notification>(e =>
        {
            e.ToTable("notifications");
            e.Property(n => n.UserId).HasMaxLength(200);
            e.Property(n => n.Channel).HasConversion<string>().HasMaxLength(10);
            e.Property(n => n.Template).HasMaxLength(50);
            e.Property(n => n.Subject).HasMaxLength(300);
            e.Property(n => n.Body).HasMaxLength(2000);
            e.Property(n => n.Recipient).HasMaxLength(320);
            e.Property(n => n.Status).HasConversion<string>().HasMaxLength(10);
            e.Property(n => n.StatusReason).HasMaxLength(500);
            e.HasOne<User>().WithMany().HasForeignKey(n => n.UserId);
            // A user's list, newest first, is the one query the API makes.
            e.HasIndex(n => new { n.UserId, n.CreatedAt });
            e.HasIndex(n => new { n.SourceEventId, n.Channel }).IsUnique();
        });
        model.Entity<ProcessedEvent>(e =>
        {
            e.ToTable("processed_events");
            e.HasKey(p => new { p.EventId, p.Consumer });
            e.Property(p => p.EventId).HasMaxLength(200);
            e.Property(p => p.Consumer).HasMaxLength(200);
        });
        model.Entity<DeadLetter>(e =>
        {
            e.ToTable("dead_letters");
            e.Property(d => d.OriginalTopic).HasMaxLength(200);
            e.Property(d => d.MessageKey).HasMaxLength(200);
            e.Property(d => d.CloudEventId).HasMaxLength(200);
            e.Property(d => d.Payload).HasColumnType("jsonb");
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(10);
            e.HasIndex(d => new { d.OriginalTopic, d.MessageKey }).IsUnique();
            e.HasIndex(d => new { d.Status, d.LastReceivedAt });
        });
    }
}
