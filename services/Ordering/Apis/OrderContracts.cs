using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Apis;

public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderItem>? Items, string? PaymentMethod);

public sealed record PlaceOrderItem(int ProductId, int Quantity);

public sealed record OrderAccepted(string OrderId, string Status);

public sealed record OrderItemView(int ProductId, string ProductName, int Quantity, decimal UnitPrice);

/// <summary>
/// An order as its customer sees it. <see cref="Status"/> is Pending, AwaitingApproval, Confirmed or Cancelled;
/// <see cref="Steps"/> are the saga's, compensations included, and <see cref="SagaStatus"/> its workflow's runtime status
/// (Running, Completed, ...; NotStarted before the recovery starts it); both null when the workflow could not be read.
/// The order's status is written by the saga's last activity, so it can be final a moment before the saga completes.
/// </summary>
public sealed record OrderView(
    string OrderId,
    string CustomerId,
    string Status,
    IReadOnlyList<OrderItemView> Items,
    decimal Total,
    string PaymentMethod,
    string? PaymentId,
    string? CancellationReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<SagaStep>? Steps,
    string? SagaStatus);

public sealed record OrderSummary(string OrderId, string Status, decimal Total, int ItemCount, DateTimeOffset CreatedAt);

public sealed record OrderPage(int Page, int PageSize, long Total, IReadOnlyList<OrderSummary> Items);

public sealed record ApprovalRequest(string? Reason);
