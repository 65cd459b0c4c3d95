using Dapr.Workflow;
using DaprPlatform.Workflow.Testing;

namespace DaprPlatform.Workflow.Saga.Tests;

public sealed class OrderSagaTests
{
    [Fact]
    public async Task A_successful_order_reserves_charges_and_ships_in_that_order()
    {
        await using var host = OrderSagaActivities.CreateHost();

        var id = await host.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), OrderSagaActivities.SampleOrder);

        var state = host.GetWorkflowState(id);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(new OrderResult("order-17", "Completed", "tracking-order-17", null), state.ReadOutputAs<OrderResult>());
        Assert.Equal("Completed", state.ReadCustomStatusAs<string>());
        Assert.Equal(OrderSagaActivities.SampleOrder, state.ReadInputAs<OrderRequest>());

        var scheduled = host.GetScheduledActivities(id);
        Assert.Equal(["ReserveInventory", "ChargePayment", "ShipOrder"], scheduled.Select(a => a.Name));
        Assert.Equal(new ReserveInventoryInput("order-17", "sku-42", 2), scheduled[0].ReadInputAs<ReserveInventoryInput>());
        Assert.Equal(new ChargePaymentInput("order-17", 59.90m), scheduled[1].ReadInputAs<ChargePaymentInput>());
        Assert.Equal("\"order-17\"", scheduled[2].SerializedInput);
        Assert.Equal([0, 1, 2], scheduled.Select(a => a.TaskId));
    }

    [Fact]
    public async Task A_failed_shipment_refunds_then_releases_in_reverse_order()
    {
        await using var host = OrderSagaActivities.CreateHost();
        host.FailActivity("ShipOrder", message: "carrier rejected the parcel");

        var id = await host.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), OrderSagaActivities.SampleOrder);

        var state = host.GetWorkflowState(id);
        var result = state.ReadOutputAs<OrderResult>()!;
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("Cancelled", result.Status);
        Assert.Equal(CompensationOutcome.Compensated, result.Compensation!.Outcome);
        Assert.Contains("carrier rejected the parcel", result.Compensation.Reason, StringComparison.Ordinal);
        Assert.Equal(["RefundPayment", "ReleaseInventory"], result.Compensation.Steps.Select(s => s.ActivityName));
        Assert.All(result.Compensation.Steps, s => Assert.Equal(CompensationStepStatus.Succeeded, s.Status));
        Assert.Equal(CompensationOutcome.Compensated, state.ReadCustomStatusAs<CompensationOutcome>());

        var scheduled = host.GetScheduledActivities(id).Select(a => a.Name).ToList();
        Assert.Equal(
            ["ReserveInventory", "ChargePayment", "ShipOrder", "ShipOrder", "ShipOrder", "RefundPayment", "ReleaseInventory"],
            scheduled);
        Assert.Equal("\"payment-order-17\"", host.GetScheduledActivities(id)[5].SerializedInput);
        Assert.Equal("\"reservation-order-17\"", host.GetScheduledActivities(id)[6].SerializedInput);
    }

    [Fact]
    public async Task A_failed_payment_only_releases_the_inventory()
    {
        await using var host = OrderSagaActivities.CreateHost();
        host.FailActivity("ChargePayment", message: "card declined");

        var id = await host.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), OrderSagaActivities.SampleOrder);

        var result = host.GetWorkflowState(id).ReadOutputAs<OrderResult>()!;
        Assert.Equal(["ReleaseInventory"], result.Compensation!.Steps.Select(s => s.ActivityName));
        Assert.DoesNotContain(host.GetScheduledActivities(id), a => a.Name is "ShipOrder" or "RefundPayment");
    }

    [Fact]
    public async Task A_failing_compensation_is_recorded_and_the_remaining_compensations_still_run()
    {
        await using var host = OrderSagaActivities.CreateHost();
        host.FailActivity("ShipOrder", message: "warehouse closed");
        host.FailActivity("RefundPayment", message: "payment provider down");

        var id = await host.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), OrderSagaActivities.SampleOrder);

        var state = host.GetWorkflowState(id);
        var compensation = state.ReadOutputAs<OrderResult>()!.Compensation!;
        Assert.Equal(CompensationOutcome.CompensationFailed, compensation.Outcome);
        Assert.Equal(CompensationOutcome.CompensationFailed, state.ReadCustomStatusAs<CompensationOutcome>());
        Assert.Collection(
            compensation.Steps,
            refund =>
            {
                Assert.Equal("RefundPayment", refund.ActivityName);
                Assert.Equal(CompensationStepStatus.Failed, refund.Status);
                Assert.Contains("payment provider down", refund.Error, StringComparison.Ordinal);
            },
            release =>
            {
                Assert.Equal("ReleaseInventory", release.ActivityName);
                Assert.Equal(CompensationStepStatus.Succeeded, release.Status);
            });

        // The refund got its own retry policy (3 attempts) before the release ran.
        Assert.Equal(3, host.ActivityCalls.Count(c => c.Name == "RefundPayment"));
        Assert.Equal("ReleaseInventory", host.ActivityCalls[^1].Name);
    }

    [Fact]
    public async Task Step_retries_wait_with_exponential_backoff_on_workflow_time()
    {
        await using var host = OrderSagaActivities.CreateHost();
        host.FailActivity("ChargePayment", times: 2, message: "gateway timeout");

        var id = await host.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), OrderSagaActivities.SampleOrder);

        var charges = host.ActivityCalls.Where(c => c.Name == "ChargePayment").ToList();
        Assert.Equal(3, charges.Count);
        Assert.Equal(TimeSpan.FromSeconds(5), charges[1].ExecutedAt - charges[0].ExecutedAt);
        Assert.Equal(TimeSpan.FromSeconds(10), charges[2].ExecutedAt - charges[1].ExecutedAt);
        // Every attempt of one call shares the task execution id (an idempotency key for the activity).
        Assert.Single(charges.Select(c => c.TaskExecutionId).Distinct());
        Assert.Equal("Completed", host.GetWorkflowState(id).ReadOutputAs<OrderResult>()!.Status);
        Assert.Equal(WorkflowTestHost.DefaultStartTime.AddSeconds(15), host.CurrentUtcDateTime);
    }
}
