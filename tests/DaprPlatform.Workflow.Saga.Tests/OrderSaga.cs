using Dapr.Workflow;
using DaprPlatform.Workflow.Saga;

namespace DaprPlatform.Workflow.Saga.Tests;

public sealed record OrderRequest(string OrderId, string Sku, int Quantity, decimal Amount);

public sealed record ReserveInventoryInput(string OrderId, string Sku, int Quantity);

public sealed record ChargePaymentInput(string OrderId, decimal Amount);

public sealed record OrderResult(string OrderId, string Status, string? TrackingNumber, CompensationResult? Compensation);

/// <summary>
/// The order saga used by the tests: reserve inventory, charge payment, ship; when a step fails for good, the
/// completed steps are undone in reverse (refund, then release).
/// </summary>
public sealed class OrderSagaWorkflow : Workflow<OrderRequest, OrderResult>
{
    public static readonly WorkflowRetryPolicy StepRetry = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2.0);

    public override async Task<OrderResult> RunAsync(WorkflowContext context, OrderRequest order)
    {
        var saga = new SagaCompensator();
        try
        {
            context.SetCustomStatus("Reserving");
            var reservationId = await context.CallActivityAsync<string>(
                "ReserveInventory", new ReserveInventoryInput(order.OrderId, order.Sku, order.Quantity), new WorkflowTaskOptions(StepRetry));
            saga.AddCompensation("ReleaseInventory", reservationId, StepRetry);

            context.SetCustomStatus("Charging");
            var paymentId = await context.CallActivityAsync<string>(
                "ChargePayment", new ChargePaymentInput(order.OrderId, order.Amount), new WorkflowTaskOptions(StepRetry));
            saga.AddCompensation("RefundPayment", paymentId, StepRetry);

            context.SetCustomStatus("Shipping");
            var trackingNumber = await context.CallActivityAsync<string>("ShipOrder", order.OrderId, new WorkflowTaskOptions(StepRetry));

            context.SetCustomStatus("Completed");
            return new OrderResult(order.OrderId, "Completed", trackingNumber, null);
        }
        catch (WorkflowTaskFailedException ex)
        {
            var compensation = await saga.CompensateAsync(context, ex.Message);
            return new OrderResult(order.OrderId, "Cancelled", null, compensation);
        }
    }
}
