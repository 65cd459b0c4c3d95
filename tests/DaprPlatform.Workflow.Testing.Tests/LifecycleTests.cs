using Dapr.Workflow;
using DaprPlatform.Workflow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Workflow.Testing.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task A_child_workflow_result_flows_back_to_the_parent()
    {
        await using var host = new WorkflowTestHost(o =>
        {
            o.RegisterWorkflow<OrderRequest, OrderResult>("Parent", async (context, order) =>
            {
                var tracking = await context.CallChildWorkflowAsync<string>("Shipping", order.OrderId);
                return new OrderResult(order.OrderId, "Completed", tracking);
            });
            o.RegisterWorkflow<string, string>("Shipping", (context, orderId) => context.CallActivityAsync<string>("ShipOrder", orderId));
        });
        host.SetupActivity<string, string>("ShipOrder", orderId => $"tracking-{orderId}");

        var id = await host.ScheduleNewWorkflowAsync("Parent", OrderRequest.Sample);

        Assert.Equal("tracking-order-17", host.GetWorkflowState(id).ReadOutputAs<OrderResult>()!.TrackingNumber);
        var child = Assert.Single(host.GetChildWorkflowInstanceIds(id));
        Assert.Equal(WorkflowRuntimeStatus.Completed, host.GetWorkflowState(child).RuntimeStatus);
        Assert.Equal("Shipping", host.GetWorkflowState(child).WorkflowName);
    }

    [Fact]
    public async Task A_failed_child_surfaces_as_workflow_task_failed_exception_with_details()
    {
        await using var host = new WorkflowTestHost(o =>
        {
            o.RegisterWorkflow<string, string>("Parent", async (context, _) =>
            {
                try
                {
                    return await context.CallChildWorkflowAsync<string>("Child", options: new ChildWorkflowTaskOptions(InstanceId: "child-1"));
                }
                catch (WorkflowTaskFailedException ex)
                {
                    return $"{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}";
                }
            });
            o.RegisterWorkflow<string, string>("Child", (_, _) => throw new ArgumentException("bad child input"));
        });

        var id = await host.ScheduleNewWorkflowAsync("Parent");

        Assert.Equal($"{typeof(ArgumentException).FullName}|bad child input", host.GetWorkflowState(id).ReadOutputAs<string>());
        Assert.Equal(WorkflowRuntimeStatus.Failed, host.GetWorkflowState("child-1").RuntimeStatus);
    }

    [Fact]
    public async Task A_failed_child_is_retried_with_a_new_instance()
    {
        var attempts = 0;
        await using var host = new WorkflowTestHost(o =>
        {
            o.RegisterWorkflow<string, string>("Parent", (context, _) => context.CallChildWorkflowAsync<string>(
                "Flaky", options: new ChildWorkflowTaskOptions(RetryPolicy: new WorkflowRetryPolicy(3, TimeSpan.FromMinutes(1)))));
            o.RegisterWorkflow<string, string>("Flaky", (context, _) => context.CallActivityAsync<string>("Attempt"));
        });
        host.SetupActivity("Attempt", _ => ++attempts < 3 ? throw new TimeoutException("try again") : "third time lucky");

        var id = await host.ScheduleNewWorkflowAsync("Parent");

        Assert.Equal("third time lucky", host.GetWorkflowState(id).ReadOutputAs<string>());
        Assert.Equal(3, host.GetChildWorkflowInstanceIds(id).Distinct().Count());
        Assert.Equal(WorkflowTestHost.DefaultStartTime.AddMinutes(2), host.CurrentUtcDateTime);
    }

    [Fact]
    public async Task Continue_as_new_restarts_with_new_input_and_a_fresh_history()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<int, int>("Countdown", async (context, remaining) =>
        {
            if (remaining == 0)
            {
                return 0;
            }

            await context.CallActivityAsync("Tick", remaining);
            context.ContinueAsNew(remaining - 1);
            return remaining;
        }));
        host.SetupActivity("Tick", _ => null);

        var id = await host.ScheduleNewWorkflowAsync("Countdown", 3);

        var state = host.GetWorkflowState(id);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(0, state.ReadOutputAs<int>());
        Assert.Equal(0, state.ReadInputAs<int>());
        Assert.Equal(["3", "2", "1"], host.GetScheduledActivities(id).Select(a => a.SerializedInput));
        // Only the last execution is left in history.
        Assert.DoesNotContain(host.GetHistory(id), e => e.TaskScheduled is not null);
        Assert.Single(host.GetHistory(id), e => e.ExecutionStarted is not null);
    }

    [Fact]
    public async Task Continue_as_new_carries_unprocessed_events_over()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<int, int>("Accumulate", async (context, total) =>
        {
            if (total >= 6)
            {
                return total;
            }

            // Wait a little first, so all three events arrive together in one turn.
            await context.CreateTimer(TimeSpan.FromMinutes(1));
            var amount = await context.WaitForExternalEventAsync<int>("Add");
            context.ContinueAsNew(total + amount);
            return total;
        })) { AutoFireTimers = false };

        var id = await host.ScheduleNewWorkflowAsync("Accumulate", 0);
        await host.RaiseEventAsync(id, "Add", 1);
        await host.RaiseEventAsync(id, "Add", 2);
        await host.RaiseEventAsync(id, "Add", 3);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(5));

        var state = host.GetWorkflowState(id);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(6, state.ReadOutputAs<int>());
    }

    [Theory]
    [InlineData(true, 42)]
    [InlineData(false, -1)]
    public async Task Continue_as_new_keeps_or_drops_unprocessed_events_as_asked(bool preserve, int expected)
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<int, int>("Generations", async (context, generation) =>
        {
            if (generation == 1)
            {
                try
                {
                    return await context.WaitForExternalEventAsync<int>("Value", TimeSpan.FromMinutes(10));
                }
                catch (TaskCanceledException)
                {
                    return -1;
                }
            }

            await context.CreateTimer(TimeSpan.FromMinutes(1));
            context.ContinueAsNew(1, preserveUnprocessedEvents: preserve);
            return 0;
        })) { AutoFireTimers = false };

        var id = await host.ScheduleNewWorkflowAsync("Generations", 0);
        await host.RaiseEventAsync(id, "Value", 42);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(20));

        Assert.Equal(expected, host.GetWorkflowState(id).ReadOutputAs<int>());
    }

    [Fact]
    public async Task Terminate_ends_a_waiting_workflow_and_its_children()
    {
        await using var host = new WorkflowTestHost(o =>
        {
            o.RegisterWorkflow<string, string>("Parent", (context, _) =>
                context.CallChildWorkflowAsync<string>("Child", options: new ChildWorkflowTaskOptions("child-7")));
            o.RegisterWorkflow<string, string>("Child", (context, _) => context.WaitForExternalEventAsync<string>("Never"));
        });
        var id = await host.ScheduleNewWorkflowAsync("Parent");

        await host.TerminateWorkflowAsync(id, new { reason = "customer cancelled" });

        var parent = host.GetWorkflowState(id);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, parent.RuntimeStatus);
        Assert.Equal("{\"reason\":\"customer cancelled\"}", parent.SerializedOutput);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, host.GetWorkflowState("child-7").RuntimeStatus);
    }

    [Fact]
    public async Task Suspend_holds_events_until_resume()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Approval", async (context, _) =>
        {
            var decision = await context.WaitForExternalEventAsync<string>("Decision");
            return await context.CallActivityAsync<string>("Record", decision);
        }));
        host.SetupActivity<string, string>("Record", d => $"recorded {d}");
        var id = await host.ScheduleNewWorkflowAsync("Approval");

        await host.SuspendWorkflowAsync(id);
        await host.RaiseEventAsync(id, "Decision", "approve");
        var whileSuspended = host.GetWorkflowState(id).RuntimeStatus;
        var scheduledWhileSuspended = host.GetScheduledActivities(id).Count;
        await host.ResumeWorkflowAsync(id);

        Assert.Equal(WorkflowRuntimeStatus.Suspended, whileSuspended);
        Assert.Equal(0, scheduledWhileSuspended);
        var state = host.GetWorkflowState(id);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("recorded approve", state.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_suspended_workflow_can_still_be_terminated()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Idle", (context, _) =>
            context.WaitForExternalEventAsync<string>("Never")));
        var id = await host.ScheduleNewWorkflowAsync("Idle");

        await host.SuspendWorkflowAsync(id);
        await host.TerminateWorkflowAsync(id, "stop");

        Assert.Equal(WorkflowRuntimeStatus.Terminated, host.GetWorkflowState(id).RuntimeStatus);
    }

    [Fact]
    public async Task Real_activities_are_created_from_a_new_DI_scope_per_execution()
    {
        var services = new ServiceCollection();
        services.AddSingleton<InventoryLedger>();
        services.AddScoped<ScopeMarker>();
        await using var provider = services.BuildServiceProvider();
        await using var host = new WorkflowTestHost(
            o =>
            {
                o.RegisterWorkflow<SampleOrderWorkflow>();
                o.RegisterActivity<ReserveInventoryActivity>("ReserveInventory");
            },
            provider);
        host.SetupActivity("ChargePayment", _ => "payment-1").SetupActivity("ShipOrder", _ => "tracking-1");

        await host.ScheduleNewWorkflowAsync(nameof(SampleOrderWorkflow), OrderRequest.Sample);
        await host.ScheduleNewWorkflowAsync(nameof(SampleOrderWorkflow), OrderRequest.Sample with { OrderId = "order-18" });

        var ledger = provider.GetRequiredService<InventoryLedger>();
        Assert.Equal(["order-17", "order-18"], ledger.Reservations.Select(r => r.OrderId));
        Assert.Equal(2, ledger.Reservations.Select(r => r.Scope).Distinct().Count());
    }

    [Fact]
    public async Task A_scheduled_start_waits_for_its_time()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, DateTime>("Later", (context, _) =>
            Task.FromResult(context.CurrentUtcDateTime))) { AutoFireTimers = false };

        var id = await host.ScheduleNewWorkflowAsync("Later", startTime: WorkflowTestHost.DefaultStartTime.AddHours(3));
        var before = host.GetWorkflowState(id).RuntimeStatus;
        await host.AdvanceTimeAsync(TimeSpan.FromHours(3));

        Assert.Equal(WorkflowRuntimeStatus.Pending, before);
        Assert.Equal(WorkflowTestHost.DefaultStartTime.AddHours(3), host.GetWorkflowState(id).ReadOutputAs<DateTime>());
    }
}

internal sealed class ScopeMarker
{
    public Guid Id { get; } = Guid.NewGuid();
}

internal sealed class InventoryLedger
{
    public List<(string OrderId, Guid Scope)> Reservations { get; } = [];
}

internal sealed class ReserveInventoryActivity(InventoryLedger ledger, ScopeMarker scope) : WorkflowActivity<ReserveInventoryInput, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, ReserveInventoryInput input)
    {
        ledger.Reservations.Add((input.OrderId, scope.Id));
        return Task.FromResult($"reservation-{input.OrderId}-{context.ScheduledEventId}");
    }
}
