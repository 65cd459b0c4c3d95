using System.Globalization;
using Dapr.Workflow;
using DaprPlatform.Ordering.Infrastructure;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Workflows.OrderSaga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Ordering.Saga;

/// <summary>
/// Schedules an order's saga (instance id = order id) and records that it did. Between the order's commit and this,
/// a crash loses nothing: the order stays without <see cref="Order.SagaStartedAt"/> and <see cref="SagaRecovery"/>
/// starts it. Starting twice is harmless, since the instance id is the order's.
/// </summary>
public sealed partial class SagaStarter(
    DaprWorkflowClient workflows,
    IDbContextFactory<OrderingContext> contexts,
    IOptions<OrderSagaOptions> options,
    TimeProvider clock,
    ILogger<SagaStarter> logger)
{
    /// <summary>Starts the saga unless it exists; false when it could not (the recovery tries again later).</summary>
    public async Task<bool> TryStartAsync(Order order, bool checkExisting, CancellationToken ct)
    {
        try
        {
            if (!checkExisting || !(await workflows.GetWorkflowStateAsync(order.Id, getInputsAndOutputs: false, ct)).Exists)
            {
                await workflows.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, order.Id, Input(order), startTime: null, ct);
            }

            await using var db = await contexts.CreateDbContextAsync(ct);
            await db.Orders.Where(o => o.Id == order.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.SagaStartedAt, clock.GetUtcNow()), ct);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogStartFailed(e, order.Id);
            return false;
        }
    }

    private OrderSagaInput Input(Order order) => new(
        order.Id,
        order.CustomerId,
        [.. order.Items.Select(i => new OrderLine(i.ProductId.ToString(CultureInfo.InvariantCulture), i.Quantity, i.UnitPrice))],
        order.PaymentMethod,
        options.Value.ApprovalThreshold,
        options.Value.ApprovalTimeout);

    [LoggerMessage(LogLevel.Warning, "Starting the saga of order {OrderId} failed; the recovery will start it")]
    private partial void LogStartFailed(Exception exception, string orderId);
}
