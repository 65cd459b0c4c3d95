using Dapr.Workflow;
using DaprPlatform.Ordering.Clients;
using DaprPlatform.Ordering.Telemetry;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Saga.Activities;

public sealed class ReserveInventoryActivity(CatalogClient catalog) : WorkflowActivity<ReserveInventoryInput, ReservationOutcome>
{
    public override Task<ReservationOutcome> RunAsync(WorkflowActivityContext context, ReserveInventoryInput input) =>
        catalog.ReserveAsync(input, CancellationToken.None);
}

public sealed class ReleaseInventoryActivity(CatalogClient catalog, OrderingMetrics metrics) : WorkflowActivity<ReleaseInventoryInput, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, ReleaseInventoryInput input)
    {
        await catalog.ReleaseAsync(input.ReservationId, CancellationToken.None);
        metrics.CompensationApplied(OrderingMetrics.ReleaseStockStep);
        return true;
    }
}
