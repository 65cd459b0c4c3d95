using Dapr.Workflow;
using DaprPlatform.Ordering.Clients;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Saga.Activities;

/// <summary>Commits the reservation (the stock is sold), then confirms the order with its order.confirmed event.</summary>
public sealed class ConfirmOrderActivity(CatalogClient catalog, OrderOutcomes outcomes, SagaAttempts attempts) : WorkflowActivity<ConfirmOrderInput, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, ConfirmOrderInput input)
    {
        await attempts.RecordAsync(context);
        // The reservation's id is the order's (see CatalogClient.ReserveAsync).
        await catalog.CommitAsync(input.OrderId, CancellationToken.None);
        await outcomes.ConfirmAsync(input.OrderId, input.PaymentId, CancellationToken.None);
        return true;
    }
}

public sealed class CancelOrderActivity(OrderOutcomes outcomes, SagaAttempts attempts) : WorkflowActivity<CancelOrderInput, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, CancelOrderInput input)
    {
        await attempts.RecordAsync(context);
        await outcomes.CancelAsync(input.OrderId, input.Reason, CancellationToken.None);
        return true;
    }
}
