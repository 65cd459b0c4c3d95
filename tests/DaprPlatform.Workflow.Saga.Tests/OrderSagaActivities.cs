using Dapr.Workflow;
using DaprPlatform.Workflow.Testing;

namespace DaprPlatform.Workflow.Saga.Tests;

/// <summary>Answers the order saga's activities with plausible ids derived from their inputs.</summary>
internal static class OrderSagaActivities
{
    public static readonly OrderRequest SampleOrder = new("order-17", "sku-42", 2, 59.90m);

    public static WorkflowTestHost CreateHost(Action<WorkflowRuntimeOptions>? configure = null)
    {
        var host = new WorkflowTestHost(options =>
        {
            options.RegisterWorkflow<OrderSagaWorkflow>();
            configure?.Invoke(options);
        });

        return host
            .SetupActivity<ReserveInventoryInput, string>("ReserveInventory", input => $"reservation-{input.OrderId}")
            .SetupActivity<ChargePaymentInput, string>("ChargePayment", input => $"payment-{input.OrderId}")
            .SetupActivity<string, string>("ShipOrder", orderId => $"tracking-{orderId}")
            .SetupActivity<string, string>("ReleaseInventory", reservation => $"released-{reservation}")
            .SetupActivity<string, string>("RefundPayment", payment => $"refunded-{payment}");
    }
}
