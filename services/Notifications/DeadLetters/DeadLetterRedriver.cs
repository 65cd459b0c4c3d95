using System.Text.Json;
using Dapr;
using Dapr.Client;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Model;
using DaprPlatform.Notifications.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.DeadLetters;

public enum RedriveOutcome
{
    Redriven,
    NotFound,
    AlreadyRedriven,

    /// <summary>The sidecar did not take the publish; the dead letter stays Pending.</summary>
    PublishFailed,
}

public sealed record RedriveResult(RedriveOutcome Outcome, DeadLetter? DeadLetter, string? Error = null);

/// <summary>
/// Publishes a dead letter's data to its original topic again, as a fresh delivery every subscriber of that topic
/// handles idempotently (the event keeps its own id), and marks it Redriven.
/// </summary>
public sealed partial class DeadLetterRedriver(
    NotificationsContext db, DaprClient dapr, PendingDeadLetters pending, TimeProvider time, ILogger<DeadLetterRedriver> logger)
{
    public async Task<RedriveResult> RedriveAsync(Guid id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The row stays locked until the mark commits: two redrives of one letter publish it once, and if the redelivery
        // fails again its new dead letter waits here, then finds the letter Redriven and makes it Pending again.
        var letter = await db.DeadLetters.FromSql($"""SELECT * FROM dead_letters WHERE "Id" = {id} FOR UPDATE""").SingleOrDefaultAsync(ct);
        if (letter is null)
        {
            return new RedriveResult(RedriveOutcome.NotFound, null);
        }

        if (letter.Status == DeadLetterStatus.Redriven)
        {
            return new RedriveResult(RedriveOutcome.AlreadyRedriven, letter);
        }

        try
        {
            using var payload = JsonDocument.Parse(letter.Payload);
            await dapr.PublishEventAsync(Topics.PubSub, letter.OriginalTopic, payload.RootElement, ct);
        }
        catch (DaprException e)
        {
            LogPublishFailed(letter.Id, letter.OriginalTopic, e.Message);
            return new RedriveResult(RedriveOutcome.PublishFailed, letter, e.Message);
        }

        letter.Status = DeadLetterStatus.Redriven;
        letter.RedrivenAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        pending.Changed();
        LogRedriven(letter.Id, letter.OriginalTopic, letter.AttemptCount);
        return new RedriveResult(RedriveOutcome.Redriven, letter);
    }

    /// <summary>Redrives every Pending dead letter, oldest first, stopping at the first publish the sidecar refuses.</summary>
    public async Task<(IReadOnlyList<Guid> Redriven, string? Error)> RedriveAllPendingAsync(CancellationToken ct)
    {
        var pending = await db.DeadLetters.AsNoTracking()
            .Where(d => d.Status == DeadLetterStatus.Pending)
            .OrderBy(d => d.ReceivedAt).ThenBy(d => d.Id)
            .Select(d => d.Id)
            .ToListAsync(ct);
        var redriven = new List<Guid>();
        foreach (var id in pending)
        {
            // Each in its own transaction; one redriven meanwhile by another request is passed over.
            var result = await RedriveAsync(id, ct);
            db.ChangeTracker.Clear();
            switch (result.Outcome)
            {
                case RedriveOutcome.Redriven:
                    redriven.Add(id);
                    break;
                case RedriveOutcome.PublishFailed:
                    return (redriven, result.Error);
            }
        }

        return (redriven, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead letter {Id} redriven to {Topic} after {Attempts} failed attempt(s)")]
    private partial void LogRedriven(Guid id, string topic, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead letter {Id} could not be republished to {Topic}: {Error}")]
    private partial void LogPublishFailed(Guid id, string topic, string error);
}
