using Dapr.Workflow;
using Dapr.Workflow.Abstractions;
using DaprPlatform.Ordering.Apis;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Ordering.Saga;
using DaprPlatform.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// What the order's view tells about each saga step beyond its status: how often its activity ran, whether it undoes
/// another step, and until when an order waits for approval.
/// </summary>
[Collection(OrderingCollection.Name)]
public sealed class SagaStepViewTests(OrderingPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_confirmed_orders_steps_each_ran_once_and_none_is_a_compensation()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request());
        await platform.WaitForSagaAsync(orderId);

        var order = await customer.GetOrderAsync(orderId);

        Assert.Equal(
            [("reserve-inventory", 1, false), ("charge-payment", 1, false), ("confirm-order", 1, false)],
            order.Steps!.Select(s => (s.Name, s.Attempts, s.Compensation)));
        Assert.Null(order.ApprovalDeadline);
    }

    [Fact]
    public async Task A_declined_payment_shows_the_release_of_the_stock_as_the_one_compensation()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request("pm_card_chargeDeclined", (2, 1)));
        await platform.WaitForSagaAsync(orderId);

        var order = await customer.GetOrderAsync(orderId);

        Assert.Equal(
            [("reserve-inventory", false), ("charge-payment", false), ("release-inventory", true), ("cancel-order", false)],
            order.Steps!.Select(s => (s.Name, s.Compensation)));
        Assert.Equal(SagaStepStatus.Compensated, order.Steps!.Single(s => s.Compensation).Status);
    }

    [Fact]
    public async Task Each_retry_of_an_activity_is_an_attempt_and_a_redelivered_attempt_counts_once()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request());
        await platform.WaitForSagaAsync(orderId);
        var attempts = platform.Services.GetRequiredService<SagaAttempts>();

        // Two more runs of the charge as the retry policy schedules them (new task events), one of them delivered twice.
        await attempts.RecordAsync(new Attempt(orderId, OrderSagaActivityNames.ChargePayment, scheduledEventId: 1_000));
        await attempts.RecordAsync(new Attempt(orderId, OrderSagaActivityNames.ChargePayment, scheduledEventId: 1_000));
        await attempts.RecordAsync(new Attempt(orderId, OrderSagaActivityNames.ChargePayment, scheduledEventId: 1_001));

        var order = await customer.GetOrderAsync(orderId);
        Assert.Equal(
            [("reserve-inventory", 1), ("charge-payment", 3), ("confirm-order", 1)],
            order.Steps!.Select(s => (s.Name, s.Attempts)));
    }

    [Fact]
    public async Task An_order_waiting_for_approval_shows_when_the_wait_ends_and_once_decided_shows_none()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request(items: [(5, 1)]));

        var waiting = await customer.WaitForStatusAsync(orderId, OrdersApi.AwaitingApproval);

        // The platform's Ordering:ApprovalTimeout is an hour.
        var wait = waiting.Steps!.Single(s => s.Name == "approval");
        Assert.Equal(new DateTimeOffset(DateTime.SpecifyKind(wait.StartedAt, DateTimeKind.Utc)).AddHours(1), waiting.ApprovalDeadline);
        Assert.Equal(1, wait.Attempts);

        using var admin = platform.Admin();
        (await admin.PostAsync($"/orders/{orderId}/approve", null, Ct)).Dispose();
        await platform.WaitForSagaAsync(orderId);
        var decided = await customer.GetOrderAsync(orderId);
        Assert.Equal(nameof(OrderStatus.Confirmed), decided.Status);
        Assert.Null(decided.ApprovalDeadline);
    }

    /// <summary>One activity execution as the workflow worker describes it to the activity.</summary>
    private sealed class Attempt(string orderId, string activity, int scheduledEventId) : WorkflowActivityContext
    {
        public override TaskIdentifier Identifier { get; } = new(activity);

        public override string InstanceId { get; } = orderId;

        public override string TaskExecutionKey { get; } = Guid.NewGuid().ToString();

        public override int ScheduledEventId { get; } = scheduledEventId;

        public override CancellationToken CancellationToken => Ct;
    }
}
