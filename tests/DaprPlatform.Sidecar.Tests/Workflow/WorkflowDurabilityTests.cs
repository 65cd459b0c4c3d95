using Dapr.DurableTask.Protobuf;
using DaprPlatform.Testing;
using StackExchange.Redis;
using Xunit;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>
/// Workflows outlive their sidecar on state.redis: the sidecar is killed mid-workflow and started again, and the
/// workflow goes on from its stored state without running a completed activity twice.
/// </summary>
public sealed class WorkflowDurabilityTests(InfraFixture infra)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sidecar_killed_mid_workflow_resumes_on_restart_without_rerunning_completed_activities()
    {
        var appId = infra.UniqueName("wf-durable");
        using var resources = new ResourcesDirectory().AddRedisStateStore(infra.RedisHost, actorStateStore: true);

        var first = await WorkflowSidecar.StartAsync(appId, resources);
        var worker = await first.ConnectWorkerAsync();
        await first.StartOverHttpAsync("Pipeline", "dur-1", "\"go\"");
        await worker.NextWorkflowAsync("dur-1");
        await worker.CompleteWorkflowAsync("dur-1", worker.LastToken, Actions.ScheduleTask(0, "StepA"));
        var (stepA, tokenA) = await worker.NextActivityAsync();
        await worker.CompleteActivityAsync(stepA, tokenA, "\"a done\"");
        await worker.NextWorkflowAsync("dur-1");
        var fireAt = DateTimeOffset.UtcNow.AddSeconds(2);
        await worker.CompleteWorkflowAsync("dur-1", worker.LastToken, Actions.ScheduleTask(1, "StepB"), Actions.CreateTimer(2, fireAt));
        var (stepB, _) = await worker.NextActivityAsync();
        Assert.Equal("StepB", stepB.Name);

        // Stored the way daprd stores it: 3 + 4 history events, an empty inbox.
        using (var redis = await ConnectionMultiplexer.ConnectAsync(infra.RedisHost))
        {
            var db = redis.GetDatabase();
            var prefix = $"{appId}||dapr.internal.default.{appId}.workflow||dur-1||";
            Assert.True(await db.KeyExistsAsync(prefix + "metadata"));
            Assert.True(await db.KeyExistsAsync(prefix + "history-000000"));
            Assert.True(await db.KeyExistsAsync(prefix + "history-000006"));
            Assert.False(await db.KeyExistsAsync(prefix + "history-000007"));
            Assert.False(await db.KeyExistsAsync(prefix + "inbox-000000"));
            Assert.True(await db.KeyExistsAsync(prefix + "customStatus"));
        }

        // Killed, not stopped: nothing gets a chance to be saved on the way out.
        await worker.DisposeAsync();
        await first.DisposeAsync();

        await using var second = await WorkflowSidecar.StartAsync(appId, resources);
        var wait = fireAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, Ct);
        }

        // The unfinished activity runs again, and the durable timer fired after the restart; nothing else arrives.
        await using var worker2 = await second.ConnectWorkerAsync();
        var items = new[] { await worker2.NextAsync(), await worker2.NextAsync() };
        var again = Assert.Single(items, i => i.ActivityRequest is not null);
        Assert.Equal(1, again.ActivityRequest.TaskId);
        Assert.Equal("StepB", again.ActivityRequest.Name);
        var timerTurn = Assert.Single(items, i => i.WorkflowRequest is not null).WorkflowRequest;
        Assert.Equal([EventType.WorkflowStarted, EventType.TimerFired], timerTurn.NewEvents.Select(e => e.EventTypeCase));
        Assert.Equal(2, timerTurn.NewEvents[1].TimerFired.TimerId);
        await worker2.CompleteWorkflowAsync("dur-1", "");

        await worker2.CompleteActivityAsync(again.ActivityRequest, again.CompletionToken, "\"b done\"");
        var turn = await worker2.NextWorkflowAsync("dur-1");
        Assert.Equal([EventType.WorkflowStarted, EventType.TaskCompleted], turn.NewEvents.Select(e => e.EventTypeCase));
        Assert.Equal(1, turn.NewEvents[1].TaskCompleted.TaskScheduledId);
        Assert.Single(turn.PastEvents, e => e.TaskCompleted is not null);
        await worker2.CompleteWorkflowAsync("dur-1", worker2.LastToken, Actions.Complete(3, "\"all done\""));

        var done = await second.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "dur-1", GetInputsAndOutputs = true });
        Assert.Equal(OrchestrationStatus.Completed, done.WorkflowState.WorkflowStatus);
        Assert.Equal("\"all done\"", done.WorkflowState.Output);
        Assert.True(await worker2.StaysIdleAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Pending_workflow_started_before_a_restart_runs_after_it()
    {
        var appId = infra.UniqueName("wf-durable-pending");
        using var resources = new ResourcesDirectory().AddRedisStateStore(infra.RedisHost, actorStateStore: true);
        await using (var first = await WorkflowSidecar.StartAsync(appId, resources))
        {
            await first.StartOverHttpAsync("Queued", "pend-1");
            using var raise = await first.Http.PostAsync("v1.0/workflows/dapr/pend-1/raiseEvent/Hello", new StringContent("1"), Ct);
        }

        await using var second = await WorkflowSidecar.StartAsync(appId, resources);
        Assert.Equal("PENDING", (await second.GetOverHttpAsync("pend-1")).GetProperty("runtimeStatus").GetString());
        await using var worker = await second.ConnectWorkerAsync();
        var turn = await worker.NextWorkflowAsync("pend-1");
        Assert.Equal([EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.EventRaised], turn.NewEvents.Select(e => e.EventTypeCase));
    }

    [Fact]
    public async Task In_memory_actor_store_does_not_survive_a_restart()
    {
        using var resources = new ResourcesDirectory().AddComponent("statestore", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        var appId = infra.UniqueName("wf-volatile");
        await using (var first = await WorkflowSidecar.StartAsync(appId, resources))
        {
            await first.StartOverHttpAsync("Gone", "vol-1");
        }

        await using var second = await WorkflowSidecar.StartAsync(appId, resources);
        using var response = await second.Http.GetAsync("v1.0/workflows/dapr/vol-1", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
