using System.Text.Json;

namespace DaprPlatform.WebConsole.Gateway;

// The gateway's public API as the console reads it. Fields added to the API later are nullable here, so the console
// keeps working against a gateway that does not send them yet.

public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn);

public sealed record ProductItem(int Id, string Name, string Description, decimal Price, int Stock);

public sealed record ProductPage(int Page, int PageSize, long Total, IReadOnlyList<ProductItem> Items);

public sealed record PlaceOrderItem(int ProductId, int Quantity);

public sealed record OrderAccepted(string OrderId, string Status);

public sealed record OrderItemView(int ProductId, string ProductName, int Quantity, decimal UnitPrice);

/// <summary>One step of the order's saga. Attempts and Compensation may be absent from older gateways.</summary>
public sealed record SagaStepView(
    string Name, string Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string? Detail, int? Attempts, bool? Compensation);

public sealed record OrderView(
    string OrderId,
    string CustomerId,
    string Status,
    IReadOnlyList<OrderItemView>? Items,
    decimal Total,
    string? PaymentMethod,
    string? PaymentId,
    string? CancellationReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<SagaStepView>? Steps,
    string? SagaStatus,
    DateTimeOffset? ApprovalDeadline)
{
    /// <summary>
    /// Nothing more will change: the order's status is final and its saga has ended. The status is written by the
    /// saga's last activity, a moment before the workflow completes; a saga that could not be read (its status null)
    /// may still be running, so it is not over either, and the console keeps reading it.
    /// </summary>
    public bool IsOver => OrderStatuses.IsFinal(Status) && SagaStatus is not (null or "Running" or "Pending" or "NotStarted" or "Suspended");
}

public sealed record OrderSummary(string OrderId, string Status, decimal Total, int ItemCount, DateTimeOffset CreatedAt, string? CustomerId);

public sealed record OrderPage(int Page, int PageSize, long Total, IReadOnlyList<OrderSummary> Items);

public sealed record DeadLetterItem(
    Guid Id,
    string OriginalTopic,
    string MessageKey,
    string? CloudEventId,
    JsonElement? Payload,
    string Status,
    int AttemptCount,
    DateTimeOffset ReceivedAt,
    DateTimeOffset LastReceivedAt,
    DateTimeOffset? RedrivenAt);

public sealed record DeadLetterPage(int Page, int PageSize, long Total, IReadOnlyList<DeadLetterItem> Items);

public sealed record ProductRevenue(string ProductId, int UnitsSold, decimal Revenue);

public sealed record OutcomeCount(string Outcome, int Count);

public sealed record CustomerSummary(string CustomerId, int OrdersCount, decimal TotalSpent);

public sealed record HourlyOutcomes(DateTimeOffset Hour, int Confirmed, int Cancelled);

public sealed record AppHealth(string AppId, string App, string Sidecar, string? Detail);

public sealed record PlatformHealth(DateTimeOffset CheckedAt, IReadOnlyList<AppHealth> Apps);

/// <summary>Statuses an order ends in; the console stops watching an order once it has one.</summary>
public static class OrderStatuses
{
    public const string Pending = "Pending";
    public const string AwaitingApproval = "AwaitingApproval";
    public const string Confirmed = "Confirmed";
    public const string Cancelled = "Cancelled";

    public static bool IsFinal(string status) => status is Confirmed or Cancelled;

    public static IReadOnlyList<string> All { get; } = [Pending, AwaitingApproval, Confirmed, Cancelled];
}
