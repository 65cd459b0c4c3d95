using Dapr.Workflow;
using DaprPlatform.Ordering.Infrastructure;
using DaprPlatform.Ordering.Placement;
using DaprPlatform.Ordering.Saga;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Ordering.Apis;

/// <summary>What the order routes share, bound with [AsParameters].</summary>
public sealed class OrderingServices(
    OrderingContext db, DaprWorkflowClient workflows, OrderPlacement placement, IOptions<OrderSagaOptions> options, ILogger<OrderingServices> logger)
{
    public OrderingContext Db { get; } = db;

    public DaprWorkflowClient Workflows { get; } = workflows;

    public OrderPlacement Placement { get; } = placement;

    public IOptions<OrderSagaOptions> Options { get; } = options;

    public ILogger<OrderingServices> Logger { get; } = logger;
}
