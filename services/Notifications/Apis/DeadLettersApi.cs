using System.Text.Json;
using DaprPlatform.Notifications.DeadLetters;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Model;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Apis;

public sealed record DeadLetterItem(
    Guid Id,
    string OriginalTopic,
    string MessageKey,
    string CloudEventId,
    JsonElement Payload,
    DeadLetterStatus Status,
    int AttemptCount,
    DateTimeOffset ReceivedAt,
    DateTimeOffset LastReceivedAt,
    DateTimeOffset? RedrivenAt)
{
    public static DeadLetterItem From(DeadLetter d) => new(
        d.Id, d.OriginalTopic, d.MessageKey, d.CloudEventId, JsonSerializer.Deserialize<JsonElement>(d.Payload), d.Status, d.AttemptCount,
        d.ReceivedAt, d.LastReceivedAt, d.RedrivenAt);
}

public sealed record DeadLetterPage(int Page, int PageSize, long Total, IReadOnlyList<DeadLetterItem> Items);

public sealed record RedriveSummary(int Redriven, IReadOnlyList<Guid> Ids);

/// <summary>Messages that ended on the dead-letter topic, for admins: listed (pending first) and redriven.</summary>
public static class DeadLettersApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapDeadLettersApi(this RouteGroupBuilder notifications)
    {
        var deadLetters = notifications.MapGroup("/dead-letters").RequireAuthorization(AuthorizationPolicies.Admin);
        deadLetters.MapGet("/", ListAsync);
        deadLetters.MapPost("/{id:guid}/redrive", RedriveAsync);
        deadLetters.MapPost("/redrive", RedriveAllAsync);
        return notifications;
    }

    public static async Task<Results<Ok<DeadLetterPage>, ValidationProblem>> ListAsync(
        NotificationsContext db, string? status, CancellationToken ct, [FromQuery] int page = 1, [FromQuery] int pageSize = 20)
    {
        var errors = Paging.Validate(page, pageSize, MaxPageSize) ?? [];
        var wanted = status is null ? null : ParseStatus(status);
        if (status is not null && wanted is null)
        {
            errors["status"] = [$"status is one of {string.Join(", ", Enum.GetNames<DeadLetterStatus>())}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.DeadLetters.AsNoTracking();
        if (wanted is { } only)
        {
            query = query.Where(d => d.Status == only);
        }

        var total = await query.LongCountAsync(ct);
        var letters = await query
            .OrderBy(d => d.Status == DeadLetterStatus.Pending ? 0 : 1).ThenByDescending(d => d.LastReceivedAt).ThenBy(d => d.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new DeadLetterPage(page, pageSize, total, [.. letters.Select(DeadLetterItem.From)]));
    }

    public static async Task<Results<Ok<DeadLetterItem>, ProblemHttpResult>> RedriveAsync(Guid id, DeadLetterRedriver redriver, CancellationToken ct) =>
        await redriver.RedriveAsync(id, ct) switch
        {
            { Outcome: RedriveOutcome.Redriven, DeadLetter: { } letter } => TypedResults.Ok(DeadLetterItem.From(letter)),
            { Outcome: RedriveOutcome.AlreadyRedriven } => TypedResults.Problem(
                title: "The dead letter was redriven already", statusCode: StatusCodes.Status409Conflict, detail: id.ToString()),
            { Outcome: RedriveOutcome.PublishFailed } => PublishFailed(),
            _ => TypedResults.Problem(title: "No such dead letter", statusCode: StatusCodes.Status404NotFound, detail: id.ToString()),
        };

    public static async Task<Results<Ok<RedriveSummary>, ProblemHttpResult>> RedriveAllAsync(DeadLetterRedriver redriver, CancellationToken ct)
    {
        var (redriven, error) = await redriver.RedriveAllPendingAsync(ct);
        return error is null
            ? TypedResults.Ok(new RedriveSummary(redriven.Count, redriven))
            : PublishFailed(new Dictionary<string, object?> { ["redriven"] = redriven });
    }

    // Names only: Enum.TryParse would also take "7", a status that does not exist.
    private static DeadLetterStatus? ParseStatus(string status) =>
        Enum.GetNames<DeadLetterStatus>().FirstOrDefault(name => name.Equals(status, StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<DeadLetterStatus>(name)
            : null;

    // The letters not redriven stay Pending: asking again later is safe.
    private static ProblemHttpResult PublishFailed(IDictionary<string, object?>? extensions = null) => TypedResults.Problem(
        title: "The pub/sub component did not take the publish; retry later", statusCode: StatusCodes.Status503ServiceUnavailable, extensions: extensions);
}
