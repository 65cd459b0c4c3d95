namespace DaprPlatform.Analytics.Model;

/// <summary>A customer's confirmed orders (the seeds' <c>orders_count</c>) and what they spent.</summary>
public sealed class CustomerStats
{
    public required string CustomerId { get; set; }

    public int OrdersCount { get; set; }

    public decimal TotalSpent { get; set; }
}

public sealed class ProductRevenue
{
    public required string ProductId { get; set; }

    public int UnitsSold { get; set; }

    public decimal Revenue { get; set; }
}

/// <summary>How many orders ended confirmed or cancelled.</summary>
public sealed class OrderOutcomeCount
{
    public required string Outcome { get; set; }

    public int Count { get; set; }
}

/// <summary>Orders that ended confirmed or cancelled within one whole UTC hour (by when the order ended).</summary>
public sealed class HourlyOutcome
{
    public DateTimeOffset Hour { get; set; }

    public int Confirmed { get; set; }

    public int Cancelled { get; set; }
}

/// <summary>An event already applied: written in the transaction that applied it, so a redelivery finds it.</summary>
public sealed class ProcessedEvent
{
    public Guid EventId { get; set; }

    public required string Topic { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }
}
