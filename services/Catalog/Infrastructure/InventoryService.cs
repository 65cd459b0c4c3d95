using DaprPlatform.Catalog.Apis;
using DaprPlatform.Catalog.Model;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Catalog.Infrastructure;

public enum EndOutcome
{
    Ended,
    NotFound,
    Conflict,
}

public sealed record EndResult(EndOutcome Outcome, ReservationResponse? Reservation);

/// <summary>
/// Reservations that never oversell: each line takes its quantity with one conditional UPDATE (only where enough
/// stock is left), all lines in one transaction with the reservation row, so concurrent orders for the last items
/// cannot both get them; the reservation id's primary key makes a repeated request find the first one's result.
/// </summary>
public sealed partial class InventoryService(CatalogContext db, TimeProvider time, ILogger<InventoryService> logger)
{
    public async Task<ReservationResponse> ReserveAsync(ReserveRequest request, CancellationToken ct)
    {
        if (await FindAsync(request.ReservationId, ct) is { } existing)
        {
            return existing;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var line in request.Lines.OrderBy(l => l.ProductId))
        {
            // Lines in product order, so two reservations of the same products lock their rows in the same order.
            var taken = await db.Products
                .Where(p => p.Id == line.ProductId && p.AvailableStock >= line.Quantity)
                .ExecuteUpdateAsync(set => set.SetProperty(p => p.AvailableStock, p => p.AvailableStock - line.Quantity), ct);
            if (taken == 0)
            {
                await transaction.RollbackAsync(ct);
                var reason = await db.Products.AnyAsync(p => p.Id == line.ProductId, ct)
                    ? $"product {line.ProductId}: fewer than {line.Quantity} left"
                    : $"product {line.ProductId} does not exist";
                LogNotReserved(request.ReservationId, reason);
                return new ReservationResponse(request.ReservationId, request.OrderId, false, "Rejected", reason);
            }
        }

        db.Reservations.Add(new Reservation
        {
            Id = request.ReservationId,
            OrderId = request.OrderId,
            Status = ReservationStatus.Reserved,
            CreatedAt = time.GetUtcNow(),
            Lines = [.. request.Lines.Select(l => new ReservationLine { ReservationId = request.ReservationId, ProductId = l.ProductId, Quantity = l.Quantity })],
        });
        try
        {
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same reservation was made concurrently: its stock was taken once, by the other request.
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return (await FindAsync(request.ReservationId, ct))!;
        }

        return new ReservationResponse(request.ReservationId, request.OrderId, true, nameof(ReservationStatus.Reserved), null);
    }

    /// <summary>Releases (stock returns) or commits (stock stays sold) a reservation; doing it again changes nothing.</summary>
    public async Task<EndResult> EndAsync(string reservationId, ReservationStatus end, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // FOR UPDATE: a release and a commit of the same reservation do not both win.
        var reservation = await db.Reservations
            .FromSql($"SELECT * FROM reservations WHERE \"Id\" = {reservationId} FOR UPDATE")
            .Include(r => r.Lines)
            .SingleOrDefaultAsync(ct);
        if (reservation is null)
        {
            return new EndResult(EndOutcome.NotFound, null);
        }

        if (reservation.Status == end)
        {
            return new EndResult(EndOutcome.Ended, ToResponse(reservation));
        }

        if (reservation.Status != ReservationStatus.Reserved)
        {
            return new EndResult(EndOutcome.Conflict, ToResponse(reservation));
        }

        if (end == ReservationStatus.Released)
        {
            foreach (var line in reservation.Lines.OrderBy(l => l.ProductId))
            {
                await db.Products.Where(p => p.Id == line.ProductId)
                    .ExecuteUpdateAsync(set => set.SetProperty(p => p.AvailableStock, p => p.AvailableStock + line.Quantity), ct);
            }
        }

        reservation.Status = end;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new EndResult(EndOutcome.Ended, ToResponse(reservation));
    }

    private async Task<ReservationResponse?> FindAsync(string reservationId, CancellationToken ct) =>
        await db.Reservations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == reservationId, ct) is { } reservation
            ? ToResponse(reservation)
            : null;

    private static ReservationResponse ToResponse(Reservation r) => new(r.Id, r.OrderId, true, r.Status.ToString(), null);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reservation {ReservationId} not made: {Reason}")]
    private partial void LogNotReserved(string reservationId, string reason);
}
