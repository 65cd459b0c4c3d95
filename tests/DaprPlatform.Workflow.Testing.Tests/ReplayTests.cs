using Dapr.Workflow;
using DaprPlatform.Workflow.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Workflow.Testing.Tests;

public sealed class ReplayTests
{
    [Fact]
    public async Task Changing_the_scheduled_activity_between_turns_fails_the_workflow_naming_both()
    {
        var activityName = "ReserveInventory";
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Deploy", async (context, input) =>
        {
            await context.CallActivityAsync(activityName, input);
            return await context.WaitForExternalEventAsync<string>("continue");
        }));
        host.SetupActivity("ReserveInventory", _ => "ok").SetupActivity("ChargePayment", _ => "ok");
        var id = await host.ScheduleNewWorkflowAsync("Deploy", "v1");

        activityName = "ChargePayment";
        await host.RaiseEventAsync(id, "continue", "go");

        var state = host.GetWorkflowState(id);
        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicWorkflowException).FullName, state.FailureDetails!.ErrorType);
        Assert.Contains("activity 'ReserveInventory' as call #0", state.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("activity 'ChargePayment' as call #0", state.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replacing_a_timer_with_an_activity_is_detected()
    {
        var useTimer = true;
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Wait", async (context, _) =>
        {
            if (useTimer)
            {
                await context.CreateTimer(TimeSpan.FromMinutes(5));
            }
            else
            {
                await context.CallActivityAsync("Notify");
            }

            return "done";
        })) { AutoFireTimers = false };
        var id = await host.ScheduleNewWorkflowAsync("Wait");

        useTimer = false;
        await host.AdvanceTimeAsync(TimeSpan.FromMinutes(5));

        var failure = host.GetWorkflowState(id).FailureDetails!;
        Assert.Contains("a timer as call #0", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("activity 'Notify' as call #0", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropping_a_call_that_history_recorded_is_detected()
    {
        var callActivity = true;
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Steps", async (context, _) =>
        {
            if (callActivity)
            {
                await context.CallActivityAsync("Audit");
            }

            await context.WaitForExternalEventAsync<string>("go");
            return "done";
        }));
        host.SetupActivity("Audit", _ => null);
        var id = await host.ScheduleNewWorkflowAsync("Steps");

        callActivity = false;
        await host.RaiseEventAsync(id, "go");

        var failure = host.GetWorkflowState(id).FailureDetails!;
        Assert.Contains("activity 'Audit' as call #0", failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("made no such call", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_turn_replays_the_full_history()
    {
        var replayFlags = new List<bool>();
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<int, int>("Sum", async (context, count) =>
        {
            replayFlags.Add(context.IsReplaying);
            var total = 0;
            for (var i = 0; i < count; i++)
            {
                total += await context.CallActivityAsync<int>("Double", i);
            }

            return total;
        }));
        host.SetupActivity<int, int>("Double", i => i * 2);

        var id = await host.ScheduleNewWorkflowAsync("Sum", 4);

        Assert.Equal(12, host.GetWorkflowState(id).ReadOutputAs<int>());
        Assert.Equal(5, host.WorkflowTurns);
        // The code ran from the start in every turn; only the first start was not a replay.
        Assert.Equal([false, true, true, true, true], replayFlags);
    }

    [Fact]
    public async Task New_guid_and_current_utc_date_time_are_stable_across_replays()
    {
        var firstGuidPerTurn = new List<Guid>();
        var startTimePerTurn = new List<DateTime>();
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, Guid[]>("Ids", async (context, _) =>
        {
            var first = context.NewGuid();
            firstGuidPerTurn.Add(first);
            startTimePerTurn.Add(context.CurrentUtcDateTime);
            await context.CreateTimer(TimeSpan.FromMinutes(1));
            var second = context.NewGuid();
            return [first, second];
        }));

        var id = await host.ScheduleNewWorkflowAsync("Ids");

        var guids = host.GetWorkflowState(id).ReadOutputAs<Guid[]>()!;
        Assert.Equal(2, firstGuidPerTurn.Count);
        Assert.All(firstGuidPerTurn, g => Assert.Equal(guids[0], g));
        Assert.All(startTimePerTurn, t => Assert.Equal(WorkflowTestHost.DefaultStartTime, t));
        Assert.NotEqual(guids[0], guids[1]);
        Assert.All(guids, g => Assert.Equal('5', g.ToString()[14]));
    }

    [Fact]
    public async Task Current_time_advances_with_each_turn()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, DateTime[]>("Clock", async (context, _) =>
        {
            var start = context.CurrentUtcDateTime;
            await context.CreateTimer(TimeSpan.FromHours(2));
            return [start, context.CurrentUtcDateTime];
        }));

        var id = await host.ScheduleNewWorkflowAsync("Clock");

        var times = host.GetWorkflowState(id).ReadOutputAs<DateTime[]>()!;
        Assert.Equal(WorkflowTestHost.DefaultStartTime, times[0]);
        Assert.Equal(WorkflowTestHost.DefaultStartTime.AddHours(2), times[1]);
    }

    [Fact]
    public async Task The_replay_safe_logger_logs_each_message_once()
    {
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs))
            .BuildServiceProvider();
        await using var _ = services;
        await using var host = new WorkflowTestHost(
            o => o.RegisterWorkflow<string, string>("Chatty", async (context, _) =>
            {
                var logger = context.CreateReplaySafeLogger("Chatty");
                logger.LogInformation("starting");
                await context.CreateTimer(TimeSpan.FromSeconds(1));
                await context.CreateTimer(TimeSpan.FromSeconds(1));
                logger.LogInformation("finished");
                return "ok";
            }),
            services);

        await host.ScheduleNewWorkflowAsync("Chatty");

        Assert.Equal(3, host.WorkflowTurns);
        Assert.Equal(["starting", "finished"], logs.Messages.Where(m => m.Category == "Chatty").Select(m => m.Message));
    }

    [Fact]
    public async Task Parallel_activities_complete_in_one_turn_and_keep_their_order()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string[], string[]>("FanOut", async (context, skus) =>
            await Task.WhenAll(skus.Select(sku => context.CallActivityAsync<string>("Price", sku)))));
        host.SetupActivity<string, string>("Price", sku => $"{sku}:9.99");

        var id = await host.ScheduleNewWorkflowAsync("FanOut", new[] { "a", "b", "c" });

        Assert.Equal(["a:9.99", "b:9.99", "c:9.99"], host.GetWorkflowState(id).ReadOutputAs<string[]>()!);
        Assert.Equal(2, host.WorkflowTurns);
    }

    [Fact]
    public async Task An_unhandled_activity_failure_fails_the_workflow_with_the_cause()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("Fragile", (context, _) =>
            context.CallActivityAsync<string>("Explode")));
        host.SetupActivity("Explode", _ => throw new InvalidOperationException("disk full"));

        var id = await host.ScheduleNewWorkflowAsync("Fragile");

        var failure = host.GetWorkflowState(id).FailureDetails!;
        Assert.Equal(typeof(WorkflowTaskFailedException).FullName, failure.ErrorType);
        Assert.Equal("Activity 'Explode' failed: disk full", failure.ErrorMessage);
        Assert.True(failure.IsCausedBy<WorkflowTaskFailedException>());
    }

    [Fact]
    public async Task Unregistered_workflows_and_activities_fail_clearly()
    {
        await using var host = new WorkflowTestHost(o => o.RegisterWorkflow<string, string>("CallsMissing", (context, _) =>
            context.CallActivityAsync<string>("NoSuchActivity")));

        var missingWorkflow = await host.ScheduleNewWorkflowAsync("NoSuchWorkflow");
        var missingActivity = await host.ScheduleNewWorkflowAsync("CallsMissing");

        Assert.Equal("WorkflowNotRegistered", host.GetWorkflowState(missingWorkflow).FailureDetails!.ErrorType);
        Assert.Equal("Activity 'NoSuchActivity' failed: No activity named 'NoSuchActivity' is registered with this worker.", host.GetWorkflowState(missingActivity).FailureDetails!.ErrorMessage);
    }
}
