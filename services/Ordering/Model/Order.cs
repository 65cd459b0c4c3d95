namespace DaprPlatform.Ordering.Model;

/// <summary>
/// Where an order is. <see cref="Pending"/> while its saga runs (the saga's own steps tell how far it got);
/// <see cref="Confirmed"/> and <see cref="Cancelled"/> are final and written only by the saga's activities.
/// </summary>
public enum OrderStatus
{
    Pending,
    Confirmed,
    Cancelled,
}

public sealed class Order
{
    /// <summary>Also the id of the order's saga instance.</summary>
    public required string Id { get; init; }

    public required string CustomerId { get; init; }

    /// <summary>The client's Idempotency-Key: a second POST with it gets this order back instead of a new one.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>SHA-256 of the request, so a reused key with a different request is refused rather than answered.</summary>
    public required string RequestHash { get; init; }

    public required string PaymentMethod { get; init; }

    public OrderStatus Status { get; set; }

    public decimal Total { get; init; }

    public List<OrderItem> Items { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set once the saga was scheduled; orders without it are started by the recovery.</summary>
    public DateTimeOffset? SagaStartedAt { get; set; }

    public string? PaymentId { get; set; }

    public string? CancellationReason { get; set; }
}

public sealed class OrderItem
{
    public long Id { get; init; }

    public required string OrderId { get; init; }

    public int ProductId { get; init; }

    public required string ProductName { get; init; }

    public int Quantity { get; init; }

    /// <summary>The catalog's price when the order was placed: what the customer is charged.</summary>
    public decimal UnitPrice { get; init; }
}
