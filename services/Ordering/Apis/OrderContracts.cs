using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Apis;

public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderItem>? Items, string? PaymentMethod);

public sealed record PlaceOrderItem(int ProductId, int Quantity);

public sealed record OrderAccepted(string OrderId, string Status);

public sealed record OrderItemView(int ProductId, string ProductName, int Quantity, decimal UnitPrice);

/// <summary>
/// A step of the order's saga. <see cref="Attempts"/> is how often its activity ran (1 = no retry; the wait for
/// approval runs none and counts 1); <see cref="Compensation"/> marks the steps that undo an earlier one.
/// </summary>
public sealed record OrderStepView(
    string Name, SagaStepStatus Status, DateTime StartedAt, DateTime? EndedAt, string? Detail, int Attempts, bool Compensation);

/// <summary>
/// An order as its customer sees it. <see cref="Status"/> is Pending, AwaitingApproval, Confirmed or Cancelled;
/// <see cref="Steps"/> are the saga's, compensations included, and <see cref="SagaStatus"/> its workflow's runtime status
/// (Running, Completed, ...; NotStarted before the recovery starts it); both null when the workflow could not be read.
/// The order's status is written by the saga's last activity, so it can be final a moment before the saga completes.
/// <see cref="ApprovalDeadline"/> is when an order waiting for approval is cancelled if no admin decides; null otherwise.
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
    IReadOnlyList<OrderStepView>? Steps,
    string? SagaStatus,
    DateTimeOffset? ApprovalDeadline);

public sealed record OrderSummary(string OrderId, string Status, decimal Total, int ItemCount, DateTimeOffset CreatedAt);

public sealed record OrderPage(int Page, int PageSize, long Total, IReadOnlyList<OrderSummary> Items);

/// <summary>An order in the admin's list of every customer's orders.</summary>
public sealed record AdminOrderSummary(string OrderId, string Status, decimal Total, int ItemCount, DateTimeOffset CreatedAt, string CustomerId);

public sealed record AdminOrderPage(int Page, int PageSize, long Total, IReadOnlyList<AdminOrderSummary> Items);

public sealed record ApprovalRequest(string? Reason);
