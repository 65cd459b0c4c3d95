namespace DaprPlatform.IntegrationEvents;

/// <summary>
/// The topics and events the services exchange through Dapr pub/sub. Every event has an id of its own (the outbox
/// row's), which consumers record to apply it at most once, however often it is delivered.
/// </summary>
public static class Topics
{
    public const string PubSub = "pubsub";
    public const string OrderConfirmed = "order.confirmed";
    public const string OrderCancelled = "order.cancelled";
    public const string UserRegistered = "user.registered";
}

public sealed record OrderEventLine(string ProductId, int Quantity, decimal UnitPrice);

public sealed record OrderConfirmed(Guid EventId, string OrderId, string CustomerId, IReadOnlyList<OrderEventLine> Lines, decimal Total, DateTimeOffset OccurredAt);

public sealed record OrderCancelled(Guid EventId, string OrderId, string CustomerId, string Reason, DateTimeOffset OccurredAt);
