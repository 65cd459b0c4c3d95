using System.Security.Claims;
using System.Text.RegularExpressions;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Apis;

/// <summary>The whole set of choices: every flag must be given, so a PUT never half-applies.</summary>
public sealed record PreferencesRequest(bool? Email, bool? Sms, bool? Push, string? Phone);

public sealed record PreferencesResponse(bool Email, bool Sms, bool Push, string? Phone);

/// <summary>On which channels the caller gets order notifications (email alone until they choose).</summary>
public static partial class PreferencesApi
{
    public static RouteGroupBuilder MapPreferencesApi(this RouteGroupBuilder notifications)
    {
        notifications.MapGet("/preferences", GetAsync);
        notifications.MapPut("/preferences", PutAsync);
        return notifications;
    }

    public static async Task<Ok<PreferencesResponse>> GetAsync(ClaimsPrincipal user, NotificationsContext db, CancellationToken ct)
    {
        var userId = user.UserId();
        var preferences = await db.Preferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct)
            ?? NotificationPreferences.Default(userId);
        return TypedResults.Ok(ToResponse(preferences));
    }

    public static async Task<Results<Ok<PreferencesResponse>, ValidationProblem>> PutAsync(
        PreferencesRequest request, ClaimsPrincipal user, NotificationsContext db, TimeProvider time, CancellationToken ct)
    {
        var phone = string.IsNullOrWhiteSpace(request.Phone) ? null : request.Phone.Trim();
        if (Validate(request, phone) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var preferences = new NotificationPreferences
        {
            UserId = user.UserId(),
            Email = request.Email!.Value,
            Sms = request.Sms!.Value,
            Push = request.Push!.Value,
            Phone = phone,
            UpdatedAt = time.GetUtcNow(),
        };
        // One statement, so two first PUTs of a user at once cannot both insert.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO notification_preferences ("UserId", "Email", "Sms", "Push", "Phone", "UpdatedAt")
            VALUES ({preferences.UserId}, {preferences.Email}, {preferences.Sms}, {preferences.Push}, {preferences.Phone}, {preferences.UpdatedAt})
            ON CONFLICT ("UserId") DO UPDATE SET "Email" = EXCLUDED."Email", "Sms" = EXCLUDED."Sms", "Push" = EXCLUDED."Push",
                                                 "Phone" = EXCLUDED."Phone", "UpdatedAt" = EXCLUDED."UpdatedAt"
            """, ct);
        return TypedResults.Ok(ToResponse(preferences));
    }

    private static Dictionary<string, string[]> Validate(PreferencesRequest request, string? phone)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (name, value) in new[] { ("email", request.Email), ("sms", request.Sms), ("push", request.Push) })
        {
            if (value is null)
            {
                errors[name] = [$"{name} (true or false) is required"];
            }
        }

        if (phone is not null && !E164().IsMatch(phone))
        {
            errors["phone"] = ["phone is an E.164 number, e.g. +14155550100"];
        }

        return errors;
    }

    private static PreferencesResponse ToResponse(NotificationPreferences p) => new(p.Email, p.Sms, p.Push, p.Phone);

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
