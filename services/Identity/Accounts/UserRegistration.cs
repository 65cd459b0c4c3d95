using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.Identity.Model;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Outbox;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Identity.Accounts;

public enum RegistrationOutcome
{
    Registered,
    Invalid,
    DuplicateEmail,
}

public sealed record RegistrationResult(RegistrationOutcome Outcome, ApplicationUser? User = null, Dictionary<string, string[]>? Errors = null);

/// <summary>
/// Creates a customer account. The user, its role and the user.registered outbox row commit in one transaction:
/// the event is published (by the outbox dispatcher) exactly when the account exists, never for one that failed.
/// </summary>
public sealed partial class UserRegistration(IdentityContext db, UserManager<ApplicationUser> users, OutboxSignal outbox, TimeProvider time, ILogger<UserRegistration> logger)
{
    public async Task<RegistrationResult> RegisterAsync(string email, string password, string name, CancellationToken ct)
    {
        var user = new ApplicationUser { UserName = email, Email = email, Name = name, CreatedAt = time.GetUtcNow() };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, password);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same email registered concurrently: Identity's check passed for both, the unique index let one in.
            return new RegistrationResult(RegistrationOutcome.DuplicateEmail);
        }

        if (!created.Succeeded)
        {
            return created.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName")
                ? new RegistrationResult(RegistrationOutcome.DuplicateEmail)
                : new RegistrationResult(RegistrationOutcome.Invalid, Errors: ToValidationErrors(created.Errors));
        }

        var added = await users.AddToRoleAsync(user, PlatformRoles.Customer);
        if (!added.Succeeded)
        {
            throw new InvalidOperationException($"The new user could not be given the {PlatformRoles.Customer} role: {string.Join("; ", added.Errors.Select(e => e.Code))}");
        }

        var eventId = Guid.CreateVersion7();
        db.AddOutboxEvent(Topics.UserRegistered, eventId, new UserRegistered(eventId, user.Id, email, name, user.CreatedAt), user.CreatedAt);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        outbox.Notify();
        LogRegistered(user.Id, eventId);
        return new RegistrationResult(RegistrationOutcome.Registered, user);
    }

    /// <summary>Identity's complaints, under the field of the request they are about.</summary>
    private static Dictionary<string, string[]> ToValidationErrors(IEnumerable<IdentityError> errors) =>
        errors.GroupBy(e => e.Code.StartsWith("Password", StringComparison.Ordinal) ? "password"
                : e.Code.Contains("Email", StringComparison.Ordinal) || e.Code.Contains("UserName", StringComparison.Ordinal) ? "email"
                : "")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} registered; user.registered event {EventId} queued in the outbox")]
    private partial void LogRegistered(string userId, Guid eventId);
}
