using DaprPlatform.IntegrationEvents;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Model;
using DaprPlatform.Notifications.Sending;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Events;

/// <summary>
/// What each event makes this service do, each event at most once (<see cref="ProcessedEventsExtensions.ApplyOnceAsync"/>):
/// a registration records the user and welcomes them by email; an order event notifies its customer on the channels
/// they chose, and is refused while its customer is not known here yet.
/// </summary>
public sealed partial class NotificationEventHandler(
    NotificationsContext db, NotificationDispatcher dispatcher, TimeProvider time, ILogger<NotificationEventHandler> logger)
{
    public Task<ApplyOutcome> HandleAsync(UserRegistered registered, CancellationToken ct) =>
        ApplyOnceAsync(registered.EventId, Topics.UserRegistered, async () =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO users ("Id", "Email", "Name", "RegisteredAt")
                VALUES ({registered.UserId}, {registered.Email}, {registered.Name}, {registered.OccurredAt.ToUniversalTime()})
                ON CONFLICT ("Id") DO UPDATE SET "Email" = EXCLUDED."Email", "Name" = EXCLUDED."Name"
                """, ct);
            var preferences = await PreferencesOfAsync(registered.UserId, ct);
            // The welcome is about the account itself, so it goes by email whatever the order-notification choices are.
            await dispatcher.SendAsync(
                new Recipient(registered.UserId, registered.Email, preferences.Phone), [NotificationChannel.Email],
                NotificationTemplates.For(registered), registered.EventId, ct);
            return true;
        }, ct);

    public Task<ApplyOutcome> HandleAsync(OrderConfirmed confirmed, CancellationToken ct) =>
        NotifyCustomerAsync(confirmed.EventId, Topics.OrderConfirmed, confirmed.CustomerId, NotificationTemplates.For(confirmed), ct);

    public Task<ApplyOutcome> HandleAsync(OrderCancelled cancelled, CancellationToken ct) =>
        NotifyCustomerAsync(cancelled.EventId, Topics.OrderCancelled, cancelled.CustomerId, NotificationTemplates.For(cancelled), ct);

    private Task<ApplyOutcome> NotifyCustomerAsync(Guid eventId, string topic, string customerId, OutgoingMessage message, CancellationToken ct) =>
        ApplyOnceAsync(eventId, topic, async () =>
        {
            if (await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == customerId, ct) is not { } user)
            {
                LogUnknownUser(eventId, topic, customerId);
                return false;
            }

            var preferences = await PreferencesOfAsync(customerId, ct);
            await dispatcher.SendAsync(new Recipient(user.Id, user.Email, preferences.Phone), preferences.EnabledChannels(), message, eventId, ct);
            return true;
        }, ct);

    private async Task<ApplyOutcome> ApplyOnceAsync(Guid eventId, string topic, Func<Task<bool>> apply, CancellationToken ct)
    {
        var outcome = await db.ApplyOnceAsync(eventId.ToString(), topic, time, apply, ct);
        if (outcome == ApplyOutcome.Duplicate)
        {
            LogDuplicate(eventId, topic);
        }

        return outcome;
    }

    private async Task<NotificationPreferences> PreferencesOfAsync(string userId, CancellationToken ct) =>
        await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct) ?? NotificationPreferences.Default(userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} on {Topic} was applied before; this delivery changes nothing")]
    private partial void LogDuplicate(Guid eventId, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} on {Topic} is for user {UserId}, not known here yet; refused so that it is retried, then dead-lettered")]
    private partial void LogUnknownUser(Guid eventId, string topic, string userId);
}
