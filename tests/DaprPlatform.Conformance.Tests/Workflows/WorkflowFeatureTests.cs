using Dapr.Workflow;
using Dapr.Workflow.Client;

namespace DaprPlatform.Conformance.Tests.Workflows;

/// <summary>
/// Each workflow feature Dapr.Workflow offers, run by the WorkflowApp worker (AddDaprWorkflow) through the sidecar's
/// engine on state.redis and observed with DaprWorkflowClient: timers, fan-out, event timeouts, child workflows, retry
/// policies, failures, continue-as-new, instance listing and history.
/// </summary>
public sealed class WorkflowFeatureTests(SharedWorkflowEnvironment shared) : IClassFixture<SharedWorkflowEnvironment>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private WorkflowEnvironment Environment => shared.Environment;

    private DaprWorkflowClient Client => shared.Environment.Client;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private Task<string> StartAsync(string name, object input, string? instanceId = null) =>
        Client.ScheduleNewWorkflowAsync(name, instanceId, input, startTime: null, Cancellation);

    [Fact]
    public async Task A_durable_timer_delays_the_next_step_by_its_duration()
    {
        var instanceId = await StartAsync(WorkflowAppNames.Timer, new TimerInput(DelayMs: 1500));

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        var firedAt = state.ReadOutputAs<DateTime>();
        Assert.True(firedAt - state.CreatedAt.UtcDateTime >= TimeSpan.FromMilliseconds(1500), $"fired at {firedAt:o}, created {state.CreatedAt:o}");
        Assert.Equal(["before-timer", "after-timer"], Environment.Journal.StartedSteps(instanceId));
    }

    [Fact]
    public async Task A_fan_out_runs_every_branch_and_fans_in_their_results_in_order()
    {
        var instanceId = await StartAsync(WorkflowAppNames.FanOut, new FanOutInput(Width: 10));

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"branch-{i}-done"), state.ReadOutputAs<string[]>());
        Assert.Equal(10, Environment.Journal.StartedSteps(instanceId).Distinct().Count());
    }

    [Fact]
    public async Task An_event_that_does_not_come_in_time_ends_the_wait_with_its_timeout()
    {
        var instanceId = await StartAsync(WorkflowAppNames.Approval, new ApprovalInput("late", TimeoutMs: 500));

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("late timed out", state.ReadOutputAs<string>());
        Assert.Equal("timed-out", state.ReadCustomStatusAs<string>());
        Assert.Empty(Environment.Journal.StartedSteps(instanceId));
    }

    [Fact]
    public async Task A_child_workflow_runs_as_its_own_instance_and_returns_to_the_parent()
    {
        var parentId = $"parent-{Guid.NewGuid():N}";
        await StartAsync(WorkflowAppNames.Parent, new SagaInput("order-child", ["reserve", "ship"]), parentId);

        var parent = await Environment.WaitForCompletionAsync(parentId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, parent.RuntimeStatus);
        Assert.Equal(["reserve", "ship"], parent.ReadOutputAs<SagaOutput>()!.Completed);
        var child = await Client.GetWorkflowStateAsync($"{parentId}-child", getInputsAndOutputs: true, Cancellation);
        Assert.Equal(WorkflowRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal(WorkflowAppNames.OrderSaga, child.WorkflowName);
        Assert.Equal(["reserve", "ship"], Environment.Journal.StartedSteps($"{parentId}-child"));
    }

    [Fact]
    public async Task A_retry_policy_runs_a_failing_activity_again_until_it_succeeds()
    {
        var instanceId = await StartAsync(WorkflowAppNames.Retry, new RetryInput(FailingAttempts: 2));

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("flaky-done", state.ReadOutputAs<string>());
        Assert.Equal(3, Environment.Journal.Starts(instanceId, "flaky"));
    }

    [Fact]
    public async Task An_activity_failing_past_its_retries_fails_the_workflow_with_the_cause()
    {
        var instanceId = await StartAsync(WorkflowAppNames.Retry, new RetryInput(FailingAttempts: 5));

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Contains("step flaky failed (attempt 3)", state.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(3, Environment.Journal.Starts(instanceId, "flaky"));
    }

    [Fact]
    public async Task Continue_as_new_restarts_the_instance_with_the_new_input_until_it_returns()
    {
        var instanceId = await StartAsync(WorkflowAppNames.Counter, new CounterInput(Count: 1, Until: 3));

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(3, state.ReadOutputAs<int>());
        Assert.Equal(["count-1", "count-2", "count-3"], Environment.Journal.StartedSteps(instanceId));
        // Only the last generation's history is kept.
        var history = await Client.GetInstanceHistoryAsync(instanceId, Cancellation);
        Assert.Single(history, e => e.EventType == WorkflowHistoryEventType.TaskScheduled);
    }

    [Fact]
    public async Task The_history_of_an_instance_lists_its_events_in_order()
    {
        var instanceId = await StartAsync(WorkflowAppNames.OrderSaga, new SagaInput("order-history", ["reserve", "ship"]));
        await Environment.WaitForCompletionAsync(instanceId, Timeout);

        var history = await Client.GetInstanceHistoryAsync(instanceId, Cancellation);

        var types = history.Select(e => e.EventType).Where(t => t is not (WorkflowHistoryEventType.OrchestratorStarted or WorkflowHistoryEventType.OrchestratorCompleted)).ToList();
        Assert.Equal(
            [WorkflowHistoryEventType.ExecutionStarted, WorkflowHistoryEventType.TaskScheduled, WorkflowHistoryEventType.TaskCompleted,
             WorkflowHistoryEventType.TaskScheduled, WorkflowHistoryEventType.TaskCompleted, WorkflowHistoryEventType.ExecutionCompleted],
            types);
        // Scheduled tasks carry the workflow's action ids; everything else -1, as in durabletask.
        Assert.Equal([0, 1], history.Where(e => e.EventType == WorkflowHistoryEventType.TaskScheduled).Select(e => e.EventId));
    }

    [Fact]
    public async Task Rerunning_a_failed_workflow_from_its_activity_with_new_input_completes_a_copy()
    {
        var failedId = await StartAsync(WorkflowAppNames.Retry, new RetryInput(FailingAttempts: 5));
        Assert.Equal(WorkflowRuntimeStatus.Failed, (await Environment.WaitForCompletionAsync(failedId, Timeout)).RuntimeStatus);
        var scheduled = (await Client.GetInstanceHistoryAsync(failedId, Cancellation)).First(e => e.EventType == WorkflowHistoryEventType.TaskScheduled);

        var rerunId = await Client.RerunWorkflowFromEventAsync(
            failedId,
            (uint)scheduled.EventId,
            new RerunWorkflowFromEventOptions { NewInstanceId = $"rerun-{Guid.NewGuid():N}", Input = new { step = "flaky" }, OverwriteInput = true },
            Cancellation);
        var rerun = await Environment.WaitForCompletionAsync(rerunId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, rerun.RuntimeStatus);
        Assert.Equal("flaky-done", rerun.ReadOutputAs<string>());
        Assert.Equal(1, Environment.Journal.Starts(rerunId, "flaky"));
        Assert.Equal(WorkflowRuntimeStatus.Failed, (await Client.GetWorkflowStateAsync(failedId, cancellation: Cancellation)).RuntimeStatus);
        var again = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => Client.RerunWorkflowFromEventAsync(
            failedId, (uint)scheduled.EventId, new RerunWorkflowFromEventOptions { NewInstanceId = rerunId }, Cancellation));
        Assert.Equal(Grpc.Core.StatusCode.AlreadyExists, again.StatusCode);
    }

    [Fact]
    public async Task Listing_instance_ids_pages_through_every_instance_of_the_app()
    {
        var started = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            started.Add(await StartAsync(WorkflowAppNames.FanOut, new FanOutInput(Width: 1)));
        }

        var all = await Client.ListInstanceIdsAsync(cancellation: Cancellation);
        var pages = new List<WorkflowInstancePage> { await Client.ListInstanceIdsAsync(pageSize: 2, cancellation: Cancellation) };
        while (pages[^1].ContinuationToken is { } token)
        {
            pages.Add(await Client.ListInstanceIdsAsync(token, pageSize: 2, cancellation: Cancellation));
        }

        Assert.Null(all.ContinuationToken);
        Assert.Superset(started.ToHashSet(), all.InstanceIds.ToHashSet());
        Assert.All(pages.SkipLast(1), page => Assert.Equal(2, page.InstanceIds.Count));
        Assert.Equal(all.InstanceIds.Order(StringComparer.Ordinal), pages.SelectMany(page => page.InstanceIds).Order(StringComparer.Ordinal));
    }
}
