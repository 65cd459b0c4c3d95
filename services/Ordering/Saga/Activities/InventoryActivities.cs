using Dapr.Workflow;
using DaprPlatform.Ordering.Clients;
using DaprPlatform.Ordering.Telemetry;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Saga.Activities;

public sealed class ReserveInventoryActivity(CatalogClient catalog, SagaAttempts attempts) : WorkflowActivity<ReserveInventoryInput, ReservationOutcome>
{
    public override async Task<ReservationOutcome> RunAsync(WorkflowActivityContext context, ReserveInventoryInput input)
    {
        await attempts.RecordAsync(context);
        return await catalog.ReserveAsync(input, CancellationToken.None);
    }
}

public sealed class ReleaseInventoryActivity(CatalogClient catalog, OrderingMetrics metrics, SagaAttempts attempts) : WorkflowActivity<ReleaseInventoryInput, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, ReleaseInventoryInput input)
    {
        await attempts.RecordAsync(context);
        await catalog.ReleaseAsync(input.ReservationId, CancellationToken.None);
        metrics.CompensationApplied(OrderingMetrics.ReleaseStockStep);
        return true;
    }
}
