using Dapr.Workflow;

namespace DaprPlatform.Workflow.Testing.Tests;

public sealed record OrderRequest(string OrderId, string Sku, int Quantity, decimal Amount)
{
    public static readonly OrderRequest Sample = new("order-17", "sku-42", 2, 59.90m);
}

public sealed record ReserveInventoryInput(string OrderId, string Sku, int Quantity);

public sealed record ChargePaymentInput(string OrderId, decimal Amount);

public sealed record OrderResult(string OrderId, string Status, string? TrackingNumber);

/// <summary>Three activities in sequence, each with a retry policy, and the current step as custom status: the shape most tests of the host need.</summary>
public sealed class SampleOrderWorkflow : Workflow<OrderRequest, OrderResult>
{
    private static readonly WorkflowTaskOptions StepOptions = new(new WorkflowRetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(5)));

    public override async Task<OrderResult> RunAsync(WorkflowContext context, OrderRequest order)
    {
        context.SetCustomStatus("Reserving");
        await context.CallActivityAsync<string>("ReserveInventory", new ReserveInventoryInput(order.OrderId, order.Sku, order.Quantity), StepOptions);
        context.SetCustomStatus("Charging");
        await context.CallActivityAsync<string>("ChargePayment", new ChargePaymentInput(order.OrderId, order.Amount), StepOptions);
        context.SetCustomStatus("Shipping");
        var trackingNumber = await context.CallActivityAsync<string>("ShipOrder", order.OrderId, StepOptions);
        context.SetCustomStatus("Completed");
        return new OrderResult(order.OrderId, "Completed", trackingNumber);
    }
}
