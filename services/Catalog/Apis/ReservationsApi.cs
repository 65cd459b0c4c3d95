using DaprPlatform.Catalog.Infrastructure;
using DaprPlatform.Catalog.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Catalog.Apis;

public sealed record ReserveRequest(string ReservationId, string OrderId, IReadOnlyList<ReserveLine> Lines);

public sealed record ReserveLine(int ProductId, int Quantity);

/// <summary>A reservation as the saga sees it: <see cref="Reserved"/> false says why (<see cref="Reason"/>).</summary>
public sealed record ReservationResponse(string ReservationId, string OrderId, bool Reserved, string Status, string? Reason);

/// <summary>
/// Inventory reservations for the order saga: reserve all lines or none, release, commit. Each is idempotent by the
/// caller's reservation id, so a retried activity changes stock once.
/// </summary>
public static class ReservationsApi
{
    public const int MaxLines = 100;

    public static RouteGroupBuilder MapReservationsApi(this IEndpointRouteBuilder app)
    {
        var reservations = app.MapGroup("/reservations").WithTags("Reservations");
        reservations.MapPost("/", ReserveAsync);
        reservations.MapPost("/{reservationId}/release", ReleaseAsync);
        reservations.MapPost("/{reservationId}/commit", CommitAsync);
        return reservations;
    }

    public static async Task<Results<Ok<ReservationResponse>, ValidationProblem>> ReserveAsync(
        ReserveRequest request, InventoryService inventory, CancellationToken ct)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await inventory.ReserveAsync(request, ct));
    }

    public static Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> ReleaseAsync(string reservationId, InventoryService inventory, CancellationToken ct) =>
        EndAsync(reservationId, ReservationStatus.Released, "The reservation is committed", inventory, ct);

    public static Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> CommitAsync(string reservationId, InventoryService inventory, CancellationToken ct) =>
        EndAsync(reservationId, ReservationStatus.Committed, "The reservation is released", inventory, ct);

    private static async Task<Results<Ok<ReservationResponse>, ProblemHttpResult>> EndAsync(
        string reservationId, ReservationStatus end, string conflictTitle, InventoryService inventory, CancellationToken ct) =>
        await inventory.EndAsync(reservationId, end, ct) switch
        {
            { Outcome: EndOutcome.Ended } ended => TypedResults.Ok(ended.Reservation!),
            { Outcome: EndOutcome.Conflict } => Problem(StatusCodes.Status409Conflict, conflictTitle, reservationId),
            _ => Problem(StatusCodes.Status404NotFound, "No such reservation", reservationId),
        };

    private static Dictionary<string, string[]> Validate(ReserveRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.ReservationId) || request.ReservationId.Length > 200)
        {
            errors["reservationId"] = ["a reservation id of 1 to 200 characters is required"];
        }

        if (string.IsNullOrWhiteSpace(request.OrderId) || request.OrderId.Length > 200)
        {
            errors["orderId"] = ["an order id of 1 to 200 characters is required"];
        }

        if (request.Lines is not { Count: > 0 and <= MaxLines } lines)
        {
            errors["lines"] = [$"between 1 and {MaxLines} lines are required"];
        }
        else if (lines.Any(line => line is null || line.Quantity < 1 || line.ProductId < 1))
        {
            errors["lines"] = ["every line needs a product id and a quantity of 1 or more"];
        }
        else if (lines.Select(line => line.ProductId).Distinct().Count() != lines.Count)
        {
            errors["lines"] = ["each product appears once"];
        }

        return errors;
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(title: title, statusCode: status, detail: detail);
}
