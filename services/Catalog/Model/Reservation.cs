namespace DaprPlatform.Catalog.Model;

public enum ReservationStatus
{
    Reserved,
    Released,
    Committed,
}

/// <summary>
/// Stock held for one order, all lines or none. Its id is the caller's (the order saga's), so a reservation made
/// twice is the same reservation.
/// </summary>
public sealed class Reservation
{
    public required string Id { get; set; }

    public required string OrderId { get; set; }

    public ReservationStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<ReservationLine> Lines { get; set; } = [];
}

public sealed class ReservationLine
{
    public int Id { get; set; }

    public required string ReservationId { get; set; }

    public int ProductId { get; set; }

    public int Quantity { get; set; }
}
