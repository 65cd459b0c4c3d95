namespace DaprPlatform.Workflows.OrderSaga;

/// <summary>What the ordering service starts the saga with (instance id = order id).</summary>
/// <param name="ApprovalThreshold">Orders whose total is above it wait for an admin's decision.</param>
/// <param name="ApprovalTimeout">How long they wait before the order is cancelled.</param>
public sealed record OrderSagaInput(
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLine> Lines,
    string PaymentMethod,
    decimal ApprovalThreshold,
    TimeSpan ApprovalTimeout)
{
    public decimal Total => Lines.Sum(line => line.UnitPrice * line.Quantity);
}

public sealed record OrderLine(string ProductId, int Quantity, decimal UnitPrice);

public sealed record ReserveInventoryInput(string OrderId, IReadOnlyList<OrderLine> Lines);

/// <summary>A reservation either holds every line or none (out of stock names what was missing).</summary>
public sealed record ReservationOutcome(bool Reserved, string? ReservationId, string? Reason);

public sealed record ReleaseInventoryInput(string OrderId, string ReservationId);

/// <param name="IdempotencyKey">One charge per order, however often the activity runs.</param>
public sealed record ChargePaymentInput(string OrderId, string CustomerId, decimal Amount, string PaymentMethod, string IdempotencyKey);

/// <summary>
/// A decline is an answer, not a fault: the provider said no (a 4xx), so the saga cancels instead of retrying.
/// Faults (timeouts, 5xx, no provider) are exceptions, retried by the step's policy.
/// </summary>
public sealed record PaymentOutcome(bool Charged, string? PaymentId, string? DeclineReason);

public sealed record RefundPaymentInput(string OrderId, string PaymentId);

public sealed record ConfirmOrderInput(string OrderId, string PaymentId);

public sealed record CancelOrderInput(string OrderId, string Reason);

/// <summary>The admin's answer to an order waiting for approval (event <see cref="OrderSagaWorkflow.ApprovalEvent"/>).</summary>
public sealed record ApprovalDecision(bool Approved, string? DecidedBy, string? Reason);

public enum OrderSagaOutcome
{
    Confirmed,
    Cancelled,
}

public sealed record OrderSagaResult(string OrderId, OrderSagaOutcome Outcome, string? Reason, string? PaymentId);
