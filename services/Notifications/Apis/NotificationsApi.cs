using System.Security.Claims;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Model;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Apis;

public sealed record NotificationItem(
    Guid Id,
    NotificationChannel Channel,
    string Template,
    string Subject,
    string Body,
    string? Recipient,
    NotificationStatus Status,
    string? StatusReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    Guid SourceEventId);

public sealed record NotificationPage(int Page, int PageSize, long Total, IReadOnlyList<NotificationItem> Items);

/// <summary>
/// The signed-in user's notifications and preferences, and (for admins) the dead letters. Every route needs a token:
/// a user sees and changes only what belongs to their own <c>sub</c>.
/// </summary>
public static class NotificationsApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var notifications = app.MapGroup("/notifications").WithTags("Notifications")
            .RequireAuthorization(AuthorizationPolicies.Customer)
            .RequireAuthorization(policy => policy.RequireClaim(ClaimsPrincipalExtensions.UserIdClaim));
        notifications.MapGet("/", ListAsync);
        notifications.MapPreferencesApi();
        notifications.MapDeadLettersApi();
        return notifications;
    }

    /// <summary>The caller's own notifications, newest first, one page at a time.</summary>
    public static async Task<Results<Ok<NotificationPage>, ValidationProblem>> ListAsync(
        ClaimsPrincipal user, NotificationsContext db, CancellationToken ct, [FromQuery] int page = 1, [FromQuery] int pageSize = 20)
    {
        if (Paging.Validate(page, pageSize, MaxPageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var userId = user.UserId();
        var query = db.Notifications.AsNoTracking().Where(n => n.UserId == userId);
        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(n => new NotificationItem(
                n.Id, n.Channel, n.Template, n.Subject, n.Body, n.Recipient, n.Status, n.StatusReason, n.CreatedAt, n.SentAt, n.SourceEventId))
            .ToListAsync(ct);
        return TypedResults.Ok(new NotificationPage(page, pageSize, total, items));
    }
}
