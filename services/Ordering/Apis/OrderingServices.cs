using Dapr.Workflow;
using DaprPlatform.Ordering.Infrastructure;
using DaprPlatform.Ordering.Placement;

namespace DaprPlatform.Ordering.Apis;

/// <summary>What the order routes share, bound with [AsParameters].</summary>
public sealed class OrderingServices(OrderingContext db, DaprWorkflowClient workflows, OrderPlacement placement, ILogger<OrderingServices> logger)
{
    public OrderingContext Db { get; } = db;

    public DaprWorkflowClient Workflows { get; } = workflows;

    public OrderPlacement Placement { get; } = placement;

    public ILogger<OrderingServices> Logger { get; } = logger;
}
