using Dapr.Workflow;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Ordering.Saga;
using DaprPlatform.Workflows.OrderSaga;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// The recovery of orders committed without their saga (the process died between the commit and the schedule): their
/// saga is started once, under the order's id, and an existing one is never started again.
/// </summary>
[Collection(OrderingCollection.Name)]
public sealed class SagaRecoveryTests(OrderingPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SagaRecovery Recovery => platform.Services.GetServices<IHostedService>().OfType<SagaRecovery>().Single();

    // Older than the recovery's grace (5 s), as an order left behind by a crash is by the next sweep.
    private static DateTimeOffset LeftBehind => DateTimeOffset.UtcNow.AddMinutes(-1);

    [Fact]
    public async Task An_order_committed_without_its_saga_gets_it_started_and_marked_and_is_confirmed()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString(), createdAt: LeftBehind, sagaStarted: false);

        await Recovery.RecoverAsync(Ct);

        Assert.NotNull((await platform.FindOrderAsync(order.Id))!.SagaStartedAt);
        var saga = await platform.Workflows.GetWorkflowStateAsync(order.Id, getInputsAndOutputs: true, Ct);
        Assert.True(saga.Exists);
        var input = saga.ReadInputAs<OrderSagaInput>()!;
        Assert.Equal((order.CustomerId, order.Total, order.PaymentMethod), (input.CustomerId, input.Total, input.PaymentMethod));
        using var customer = platform.Customer(order.CustomerId);
        await customer.WaitForStatusAsync(order.Id, nameof(OrderStatus.Confirmed));
    }

    [Fact]
    public async Task A_second_sweep_leaves_a_recovered_order_alone()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString(), createdAt: LeftBehind, sagaStarted: false);
        await Recovery.RecoverAsync(Ct);
        var marked = (await platform.FindOrderAsync(order.Id))!.SagaStartedAt;
        var scheduled = (await platform.Workflows.GetWorkflowStateAsync(order.Id, getInputsAndOutputs: false, Ct)).CreatedAt;

        await Recovery.RecoverAsync(Ct);

        Assert.Equal(marked, (await platform.FindOrderAsync(order.Id))!.SagaStartedAt);
        Assert.Equal(scheduled, (await platform.Workflows.GetWorkflowStateAsync(order.Id, getInputsAndOutputs: false, Ct)).CreatedAt);
    }

    [Fact]
    public async Task An_order_whose_saga_exists_is_only_marked()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString(), createdAt: LeftBehind, sagaStarted: false);
        // Scheduled before the crash but not yet recorded; waiting for an approval, so still running when the sweep comes.
        var running = new OrderSagaInput(order.Id, "scheduled-before-the-crash", [new OrderLine("3", 1, 9.00m)], order.PaymentMethod, 0m, TimeSpan.FromHours(1));
        await platform.Workflows.ScheduleNewWorkflowAsync(OrderSagaWorkflow.Name, order.Id, running, startTime: null, Ct);

        await Recovery.RecoverAsync(Ct);

        Assert.NotNull((await platform.FindOrderAsync(order.Id))!.SagaStartedAt);
        var saga = await platform.Workflows.GetWorkflowStateAsync(order.Id, getInputsAndOutputs: true, Ct);
        Assert.Equal("scheduled-before-the-crash", saga.ReadInputAs<OrderSagaInput>()!.CustomerId);
        await platform.Workflows.TerminateWorkflowAsync(order.Id, output: null, Ct);
    }

    [Fact]
    public async Task An_order_younger_than_the_grace_is_left_to_the_request_that_placed_it()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString(), createdAt: DateTimeOffset.UtcNow, sagaStarted: false);

        await Recovery.RecoverAsync(Ct);

        Assert.Null((await platform.FindOrderAsync(order.Id))!.SagaStartedAt);
        Assert.False((await platform.Workflows.GetWorkflowStateAsync(order.Id, getInputsAndOutputs: false, Ct)).Exists);
    }
}
