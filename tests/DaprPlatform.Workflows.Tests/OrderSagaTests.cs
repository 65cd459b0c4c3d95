using Dapr.Workflow;
using DaprPlatform.Workflow.Testing;
using DaprPlatform.Workflows.OrderSaga;
using static DaprPlatform.Workflows.OrderSaga.OrderSagaActivityNames;

namespace DaprPlatform.Workflows.Tests;

/// <summary>
/// The order saga on the workflow test host: its activities are answered here (as catalog, payments and ordering
/// would answer), time is virtual, and every turn replays the history as daprd's workers do.
/// </summary>
public sealed class OrderSagaTests
{
    private static readonly OrderSagaInput SmallOrder = new(
        "order-1", "customer-7", [new OrderLine("p-1", 2, 10m), new OrderLine("p-2", 1, 5m)], "pm_card_visa",
        ApprovalThreshold: 100m, ApprovalTimeout: TimeSpan.FromHours(24));

    private static readonly OrderSagaInput LargeOrder = SmallOrder with { OrderId = "order-2", Lines = [new OrderLine("p-1", 20, 10m)] };

    [Fact]
    public async Task A_small_order_is_reserved_charged_and_confirmed_once_each()
    {
        await using var host = Host();

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, SmallOrder, SmallOrder.OrderId);

        var result = Result(host, id);
        Assert.Equal(OrderSagaOutcome.Confirmed, result.Outcome);
        Assert.Equal("pay-order-1", result.PaymentId);
        Assert.Equal([ReserveInventory, ChargePayment, ConfirmOrder], host.GetScheduledActivities(id).Select(a => a.Name));
        var charge = host.ActivityCalls.Single(c => c.Name == ChargePayment).ReadInputAs<ChargePaymentInput>()!;
        Assert.Equal((25m, "order-1", "pm_card_visa"), (charge.Amount, charge.IdempotencyKey, charge.PaymentMethod));
        var progress = Progress(host, id);
        Assert.Equal(["reserve-inventory", "charge-payment", "confirm-order"], progress.Steps.Select(s => s.Name));
        Assert.All(progress.Steps, s => Assert.Equal(SagaStepStatus.Succeeded, s.Status));
    }

    [Fact]
    public async Task A_declined_payment_cancels_releases_the_stock_and_never_confirms_or_refunds()
    {
        await using var host = Host();
        host.SetupActivity<ChargePaymentInput, PaymentOutcome>(ChargePayment, _ => new PaymentOutcome(false, null, "card_declined"));

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, SmallOrder, SmallOrder.OrderId);

        var result = Result(host, id);
        Assert.Equal(OrderSagaOutcome.Cancelled, result.Outcome);
        Assert.Equal("payment declined: card_declined", result.Reason);
        Assert.Null(result.PaymentId);
        // A decline is an answer: charged once, not retried; nothing was charged, so nothing is refunded.
        Assert.Equal([ReserveInventory, ChargePayment, ReleaseInventory, CancelOrder], host.ActivityCalls.Select(c => c.Name));
        Assert.Equal("payment declined: card_declined", host.ActivityCalls.Single(c => c.Name == CancelOrder).ReadInputAs<CancelOrderInput>()!.Reason);
        Assert.Equal("payment declined: card_declined", Progress(host, id).CancellationReason);
    }

    [Fact]
    public async Task Out_of_stock_cancels_without_charging_or_releasing_anything()
    {
        await using var host = Host();
        host.SetupActivity<ReserveInventoryInput, ReservationOutcome>(ReserveInventory, _ => new ReservationOutcome(false, null, "p-1: 0 left"));

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, SmallOrder, SmallOrder.OrderId);

        Assert.Equal("out of stock: p-1: 0 left", Result(host, id).Reason);
        Assert.Equal([ReserveInventory, CancelOrder], host.ActivityCalls.Select(c => c.Name));
    }

    [Fact]
    public async Task A_large_order_waits_for_approval_and_then_completes()
    {
        await using var host = Host();
        host.AutoFireTimers = false;

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, LargeOrder, LargeOrder.OrderId);
        var waiting = Progress(host, id);
        var beforeApproval = host.ActivityCalls.Select(c => c.Name).ToList();
        await host.RaiseEventAsync(id, OrderSagaWorkflow.ApprovalEvent, new ApprovalDecision(true, "admin@shop", null));

        Assert.Equal(("approval", SagaStepStatus.Waiting), (waiting.Steps[^1].Name, waiting.Steps[^1].Status));
        Assert.Equal([ReserveInventory], beforeApproval);
        Assert.Equal(OrderSagaOutcome.Confirmed, Result(host, id).Outcome);
        Assert.Equal("approved by admin@shop", Progress(host, id).Steps.Single(s => s.Name == "approval").Detail);
    }

    [Fact]
    public async Task A_rejected_order_is_cancelled_with_the_admins_reason_and_its_stock_released()
    {
        await using var host = Host();
        host.AutoFireTimers = false;

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, LargeOrder, LargeOrder.OrderId);
        await host.RaiseEventAsync(id, OrderSagaWorkflow.ApprovalEvent, new ApprovalDecision(false, "admin@shop", "suspicious"));

        Assert.Equal("rejected by admin@shop: suspicious", Result(host, id).Reason);
        Assert.Equal([ReserveInventory, ReleaseInventory, CancelOrder], host.ActivityCalls.Select(c => c.Name));
    }

    [Fact]
    public async Task An_approval_timeout_cancels_cleanly_and_releases_the_stock()
    {
        await using var host = Host();
        host.AutoFireTimers = false;

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, LargeOrder, LargeOrder.OrderId);
        await host.AdvanceTimeAsync(TimeSpan.FromHours(23));
        var stillWaiting = host.GetWorkflowState(id).RuntimeStatus;
        await host.AdvanceTimeAsync(TimeSpan.FromHours(1));

        Assert.Equal(WorkflowRuntimeStatus.Running, stillWaiting);
        Assert.Equal("approval timed out after 1.00:00:00", Result(host, id).Reason);
        Assert.Equal([ReserveInventory, ReleaseInventory, CancelOrder], host.ActivityCalls.Select(c => c.Name));
        Assert.Equal("order-2", host.ActivityCalls.Single(c => c.Name == ReleaseInventory).ReadInputAs<ReleaseInventoryInput>()!.OrderId);
    }

    [Fact]
    public async Task Payments_down_for_a_while_is_retried_and_the_order_is_charged_once()
    {
        await using var host = Host();
        host.FailActivity(ChargePayment, times: 3, message: "payments unavailable");

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, SmallOrder, SmallOrder.OrderId);

        Assert.Equal(OrderSagaOutcome.Confirmed, Result(host, id).Outcome);
        var charges = host.ActivityCalls.Where(c => c.Name == ChargePayment).ToList();
        Assert.Equal(4, charges.Count);
        // Every attempt carries the same idempotency key and task execution id: the provider charges once.
        Assert.Single(charges.Select(c => c.ReadInputAs<ChargePaymentInput>()!.IdempotencyKey).Distinct());
        Assert.Single(charges.Select(c => c.TaskExecutionId).Distinct());
    }

    [Fact]
    public async Task Payments_down_past_the_retries_cancels_and_releases_the_stock()
    {
        await using var host = Host();
        host.FailActivity(ChargePayment, message: "payments unavailable");

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, SmallOrder, SmallOrder.OrderId);

        var result = Result(host, id);
        Assert.Equal(OrderSagaOutcome.Cancelled, result.Outcome);
        Assert.StartsWith("charge-payment failed: ", result.Reason, StringComparison.Ordinal);
        Assert.Equal(OrderSagaWorkflow.StepRetry.MaxNumberOfAttempts, host.ActivityCalls.Count(c => c.Name == ChargePayment));
        Assert.DoesNotContain(host.ActivityCalls, c => c.Name == RefundPayment);
        Assert.Equal([ReleaseInventory, CancelOrder], host.ActivityCalls.Select(c => c.Name).Where(n => n is ReleaseInventory or CancelOrder or RefundPayment));
    }

    [Fact]
    public async Task A_failure_after_the_charge_refunds_then_releases_in_reverse_order_and_never_charges_again()
    {
        await using var host = Host();
        host.FailActivity(ConfirmOrder, message: "ordering database unavailable");

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, SmallOrder, SmallOrder.OrderId);

        Assert.Equal(OrderSagaOutcome.Cancelled, Result(host, id).Outcome);
        var afterConfirm = host.ActivityCalls.Select(c => c.Name).SkipWhile(n => n != ConfirmOrder).Where(n => n != ConfirmOrder);
        Assert.Equal([RefundPayment, ReleaseInventory, CancelOrder], afterConfirm);
        Assert.Single(host.ActivityCalls, c => c.Name == ChargePayment);
        Assert.Equal("pay-order-1", host.ActivityCalls.Single(c => c.Name == RefundPayment).ReadInputAs<RefundPaymentInput>()!.PaymentId);
        var progress = Progress(host, id);
        Assert.Equal(
            [("refund-payment", SagaStepStatus.Compensated), ("release-inventory", SagaStepStatus.Compensated), ("cancel-order", SagaStepStatus.Succeeded)],
            progress.Steps.Skip(3).Select(s => (s.Name, s.Status)));
    }

    [Fact]
    public async Task Every_step_the_saga_reports_names_the_activity_it_ran_and_only_the_undos_are_compensations()
    {
        await using var host = Host();
        host.AutoFireTimers = false;
        host.FailActivity(ConfirmOrder, message: "ordering database unavailable");

        var id = await host.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, LargeOrder, LargeOrder.OrderId);
        await host.RaiseEventAsync(id, OrderSagaWorkflow.ApprovalEvent, new ApprovalDecision(true, "admin@example.test", null));
        // The confirmation's retries wait on timers.
        host.AutoFireTimers = true;
        await host.RunUntilIdleAsync();

        var steps = Progress(host, id).Steps.Select(s => s.Name).ToList();
        Assert.Equal(
            [(OrderSagaSteps.Reserve, ReserveInventory, false), (OrderSagaSteps.Approval, null, false), (OrderSagaSteps.Charge, ChargePayment, false),
             (OrderSagaSteps.Confirm, ConfirmOrder, false), (OrderSagaSteps.Refund, RefundPayment, true), (OrderSagaSteps.Release, ReleaseInventory, true),
             (OrderSagaSteps.Cancel, CancelOrder, false)],
            steps.Select(step => (step, OrderSagaSteps.ActivityOf(step), OrderSagaSteps.IsCompensation(step))));
    }

    // Catalog, payments and ordering as the saga expects them to answer when all goes well.
    private static WorkflowTestHost Host() =>
        new WorkflowTestHost(o => o.RegisterWorkflow<OrderSagaWorkflow>(OrderSagaWorkflow.Name))
            .SetupActivity<ReserveInventoryInput, ReservationOutcome>(ReserveInventory, input => new ReservationOutcome(true, $"res-{input.OrderId}", null))
            .SetupActivity<ReleaseInventoryInput, bool>(ReleaseInventory, _ => true)
            .SetupActivity<ChargePaymentInput, PaymentOutcome>(ChargePayment, input => new PaymentOutcome(true, $"pay-{input.OrderId}", null))
            .SetupActivity<RefundPaymentInput, bool>(RefundPayment, _ => true)
            .SetupActivity<ConfirmOrderInput, bool>(ConfirmOrder, _ => true)
            .SetupActivity<CancelOrderInput, bool>(CancelOrder, _ => true);

    private static OrderSagaResult Result(WorkflowTestHost host, string id)
    {
        var state = host.GetWorkflowState(id);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        return state.ReadOutputAs<OrderSagaResult>()!;
    }

    private static SagaProgress Progress(WorkflowTestHost host, string id) => host.GetWorkflowState(id).ReadCustomStatusAs<SagaProgress>()!;
}
