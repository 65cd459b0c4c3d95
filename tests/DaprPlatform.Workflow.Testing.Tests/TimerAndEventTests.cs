using Dapr.Workflow;
using DaprPlatform.Workflow.Testing;

namespace DaprPlatform.Workflow.Testing.Tests;

public sealed class TimerAndEventTests
{
    private static readonly DateTime Start = WorkflowTestHost.DefaultStartTime;

    [Fact]
    public async Task A_timer_fires_only_when_virtual_time_reaches_it()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, DateTime>("Reminder", async (context, _) =>
        {
            await context.CreateTimer(TimeSpan.FromHours(1));
            return context.CurrentUtcDateTime;
        })) { AutoFireTimers = false };

        var id = await host.ScheduleNewWorkflowAsync("Reminder");
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(59));
        var beforeDue = host.GetWorkflowState(id).RuntimeStatus;
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(WorkflowRuntimeStatus.Running, beforeDue);
        var state = host.GetWorkflowState(id);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(Start.AddHours(1), state.ReadOutputAs<DateTime>());
    }

    [Fact]
    public async Task A_timer_at_an_absolute_time_fires_then()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<DateTime, DateTime>("At", async (context, fireAt) =>
        {
            await context.CreateTimer(fireAt, CancellationToken.None);
            return context.CurrentUtcDateTime;
        }));

        var id = await host.ScheduleNewWorkflowAsync("At", Start.AddDays(3));

        Assert.Equal(Start.AddDays(3), host.GetWorkflowState(id).ReadOutputAs<DateTime>());
    }

    [Fact]
    public async Task An_event_raised_before_the_wait_is_buffered_and_delivered()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Approval", async (context, _) =>
        {
            await context.CreateTimer(TimeSpan.FromMinutes(10));
            return await context.WaitForExternalEventAsync<string>("Approved");
        })) { AutoFireTimers = false };

        var id = await host.ScheduleNewWorkflowAsync("Approval");
        await host.RaiseEventAsync(id, "approved", "by alice");
        var whileTimerPending = host.GetWorkflowState(id).RuntimeStatus;
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(10));

        Assert.Equal(WorkflowRuntimeStatus.Running, whileTimerPending);
        Assert.Equal("by alice", host.GetWorkflowState(id).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Events_with_the_same_name_are_delivered_first_in_first_out()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, int[]>("Collect", async (context, _) =>
        {
            await context.CreateTimer(TimeSpan.FromMinutes(1));
            var first = await context.WaitForExternalEventAsync<int>("Item");
            var second = await context.WaitForExternalEventAsync<int>("ITEM");
            var third = await context.WaitForExternalEventAsync<int>("item");
            return [first, second, third];
        })) { AutoFireTimers = false };

        var id = await host.ScheduleNewWorkflowAsync("Collect");
        await host.RaiseEventAsync(id, "item", 1);
        await host.RaiseEventAsync(id, "Other", 99);
        await host.RaiseEventAsync(id, "Item", 2);
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(1));
        await host.RaiseEventAsync(id, "item", 3);

        Assert.Equal([1, 2, 3], host.GetWorkflowState(id).ReadOutputAs<int[]>()!);
    }

    [Fact]
    public async Task A_wait_with_timeout_throws_task_canceled_when_the_timer_wins()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Approval", async (context, _) =>
        {
            try
            {
                return await context.WaitForExternalEventAsync<string>("Approved", TimeSpan.FromDays(1));
            }
            catch (TaskCanceledException)
            {
                return $"timed out at {context.CurrentUtcDateTime:O}";
            }
        })) { AutoFireTimers = false };

        var id = await host.ScheduleNewWorkflowAsync("Approval");
        await host.AdvanceTimeAsync(TimeSpan.FromHours(23));
        var beforeTimeout = host.GetWorkflowState(id).RuntimeStatus;
        await host.AdvanceTimeAsync(TimeSpan.FromHours(1));

        Assert.Equal(WorkflowRuntimeStatus.Running, beforeTimeout);
        Assert.Equal($"timed out at {Start.AddDays(1):O}", host.GetWorkflowState(id).ReadOutputAs<string>());
    }

    [Fact]
    public async Task An_event_that_beats_the_timeout_wins_and_the_late_timer_is_ignored()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string[]>("Approval", async (context, _) =>
        {
            var decision = await context.WaitForExternalEventAsync<string>("Approved", TimeSpan.FromHours(1));
            // Still running when the first wait's timer fires: that TimerFired must not disturb this wait.
            var second = await context.WaitForExternalEventAsync<string>("Shipped", TimeSpan.FromHours(5));
            return [decision, second];
        })) { AutoFireTimers = false };

        var id = await host.ScheduleNewWorkflowAsync("Approval");
        await host.RaiseEventAsync(id, "Approved", "yes");
        await host.AdvanceTimeAsync(TimeSpan.FromHours(2));
        var afterFirstTimer = host.GetWorkflowState(id).RuntimeStatus;
        await host.RaiseEventAsync(id, "Shipped", "parcel-1");

        Assert.Equal(WorkflowRuntimeStatus.Running, afterFirstTimer);
        Assert.Equal(["yes", "parcel-1"], host.GetWorkflowState(id).ReadOutputAs<string[]>()!);
    }

    [Fact]
    public async Task A_workflow_can_signal_another_with_send_event()
    {
        await using var host = new WorkflowTestHost(o =>
        {
            o.RegisterWorkflow<string, string>("Receiver", (context, _) => context.WaitForExternalEventAsync<string>("Ping"));
            o.RegisterWorkflow<string, string>("Sender", (context, target) =>
            {
                context.SendEvent(target, "Ping", "hello from sender");
                return Task.FromResult("sent");
            });
        });

        var receiver = await host.ScheduleNewWorkflowAsync("Receiver", instanceId: "receiver-1");
        var sender = await host.ScheduleNewWorkflowAsync("Sender", receiver);

        Assert.Equal("sent", host.GetWorkflowState(sender).ReadOutputAs<string>());
        Assert.Equal("hello from sender", host.GetWorkflowState(receiver).ReadOutputAs<string>());
        Assert.Contains(host.GetHistory(sender), e => e.EventSent?.InstanceId == "receiver-1" && e.EventId == 0);
    }

    [Fact]
    public async Task Cancelling_a_timer_lets_the_workflow_race_it_against_an_activity()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Race", async (context, _) =>
        {
            using var cancel = new CancellationTokenSource();
            var deadline = context.CreateTimer(TimeSpan.FromMinutes(30), cancel.Token);
            var work = context.CallActivityAsync<string>("Work");
            var winner = await Task.WhenAny(deadline, work);
            if (winner == work)
            {
                cancel.Cancel();
                return await work;
            }

            return "deadline";
        }));
        host.SetupActivity("Work", _ => "work done");

        var id = await host.ScheduleNewWorkflowAsync("Race");

        Assert.Equal("work done", host.GetWorkflowState(id).ReadOutputAs<string>());
    }
}
