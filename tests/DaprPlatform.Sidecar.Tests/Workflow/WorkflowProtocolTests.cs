using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using Xunit;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>
/// The engine driven through a real sidecar by a worker written on the protocol: turns, activities, timers, events,
/// child workflows, continue-as-new and completion tokens.
/// </summary>
public sealed class WorkflowProtocolTests
{
    [Fact]
    public async Task Start_instance_activity_round_trip_completes_the_workflow()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-roundtrip");
        await using var worker = await wf.ConnectWorkerAsync();

        // StartInstance answers once the first turn has run, as daprd's does.
        var start = wf.CallAsync(TaskHubSidecarServiceMethods.StartInstance, new CreateInstanceRequest { InstanceId = "order-1", Name = "OrderWorkflow", Input = "\"book\"" });
        var turn1 = await worker.NextWorkflowAsync("order-1");
        Assert.Empty(turn1.PastEvents);
        Assert.Equal([EventType.WorkflowStarted, EventType.ExecutionStarted], turn1.NewEvents.Select(e => e.EventTypeCase));
        Assert.Equal("OrderWorkflow", turn1.NewEvents[1].ExecutionStarted.Name);
        Assert.Equal("\"book\"", turn1.NewEvents[1].ExecutionStarted.Input);
        Assert.False(string.IsNullOrEmpty(turn1.ExecutionId));
        Assert.Equal(turn1.ExecutionId, turn1.NewEvents[1].ExecutionStarted.WorkflowInstance.ExecutionId);
        Assert.False(start.IsCompleted);

        await worker.CompleteWorkflowAsync("order-1", worker.LastToken, Actions.ScheduleTask(0, "Charge", "\"book\""));
        Assert.Equal("order-1", (await start).InstanceId);

        var (activity, token) = await worker.NextActivityAsync();
        Assert.Equal("Charge", activity.Name);
        Assert.Equal(0, activity.TaskId);
        Assert.Equal("\"book\"", activity.Input);
        Assert.Equal("order-1", activity.WorkflowInstance.InstanceId);
        await worker.CompleteActivityAsync(activity, token, "\"charged\"");

        var turn2 = await worker.NextWorkflowAsync("order-1");
        Assert.Equal([EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.TaskScheduled], turn2.PastEvents.Select(e => e.EventTypeCase));
        Assert.Equal(0, turn2.PastEvents[2].EventId);
        Assert.Equal([EventType.WorkflowStarted, EventType.TaskCompleted], turn2.NewEvents.Select(e => e.EventTypeCase));
        Assert.Equal(0, turn2.NewEvents[1].TaskCompleted.TaskScheduledId);
        Assert.Equal("\"charged\"", turn2.NewEvents[1].TaskCompleted.Result);
        Assert.Equal(-1, turn2.NewEvents[1].EventId);

        await worker.CompleteWorkflowAsync("order-1", worker.LastToken, "all done", Actions.Complete(1, "\"shipped\""));
        var done = await wf.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "order-1", GetInputsAndOutputs = true });
        Assert.True(done.Exists);
        Assert.Equal(OrchestrationStatus.Completed, done.WorkflowState.WorkflowStatus);
        Assert.Equal("OrderWorkflow", done.WorkflowState.Name);
        Assert.Equal("\"book\"", done.WorkflowState.Input);
        Assert.Equal("\"shipped\"", done.WorkflowState.Output);
        Assert.Equal("all done", done.WorkflowState.CustomStatus);

        var history = await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstanceHistory, new GetInstanceHistoryRequest { InstanceId = "order-1" });
        Assert.Equal(
            [EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.TaskScheduled, EventType.WorkflowStarted, EventType.TaskCompleted, EventType.ExecutionCompleted],
            history.Events.Select(e => e.EventTypeCase));

        var missing = await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "no-such" });
        Assert.False(missing.Exists);
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            wf.CallAsync(TaskHubSidecarServiceMethods.GetInstanceHistory, new GetInstanceHistoryRequest { InstanceId = "no-such" }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Completion_tokens_stale_token_is_discarded_empty_token_is_accepted()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-tokens");
        await using var worker = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("TokenWorkflow", "tok-1");
        await worker.NextWorkflowAsync("tok-1");

        // An answer echoing another token belongs to an older send: nothing happens.
        await worker.CompleteWorkflowAsync("tok-1", "not-the-token", Actions.ScheduleTask(0, "Act"));
        Assert.True(await worker.StaysIdleAsync(TimeSpan.FromMilliseconds(700)));
        // The first turn is not recorded, so the workflow has not started.
        Assert.Equal("PENDING", (await wf.GetOverHttpAsync("tok-1")).GetProperty("runtimeStatus").GetString());

        // Workers that do not echo tokens send none, and are heard.
        await worker.CompleteWorkflowAsync("tok-1", "", Actions.ScheduleTask(0, "Act"));
        var (activity, token) = await worker.NextActivityAsync();

        await worker.CompleteActivityAsync(activity, "stale-activity-token", "\"x\"");
        Assert.True(await worker.StaysIdleAsync(TimeSpan.FromMilliseconds(700)));

        await worker.CompleteActivityAsync(activity, token, "\"y\"");
        var turn = await worker.NextWorkflowAsync("tok-1");
        Assert.Equal("\"y\"", turn.NewEvents.Single(e => e.TaskCompleted is not null).TaskCompleted.Result);

        // A second result for the same task is not recorded again.
        await worker.CompleteActivityAsync(activity, token, "\"z\"");
        await worker.CompleteWorkflowAsync("tok-1", worker.LastToken, Actions.Complete(1, "\"ok\""));
        var done = await wf.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "tok-1" });
        Assert.Equal(OrchestrationStatus.Completed, done.WorkflowState.WorkflowStatus);
        var history = await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstanceHistory, new GetInstanceHistoryRequest { InstanceId = "tok-1" });
        Assert.Single(history.Events, e => e.TaskCompleted is not null);
    }

    [Fact]
    public async Task Durable_timer_fires_into_the_next_turn()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-timer");
        await using var worker = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("TimerWorkflow", "timer-1");
        await worker.NextWorkflowAsync("timer-1");

        var fireAt = DateTimeOffset.UtcNow.AddMilliseconds(600);
        await worker.CompleteWorkflowAsync("timer-1", worker.LastToken, Actions.CreateTimer(0, fireAt));
        var turn = await worker.NextWorkflowAsync("timer-1");
        Assert.True(DateTimeOffset.UtcNow >= fireAt, "the timer fired early");
        var fired = turn.NewEvents.Single(e => e.TimerFired is not null).TimerFired;
        Assert.Equal(0, fired.TimerId);
        Assert.Equal(fireAt.ToUnixTimeMilliseconds(), fired.FireAt.ToDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Contains(turn.PastEvents, e => e.TimerCreated is not null && e.EventId == 0);
    }

    [Fact]
    public async Task Events_raised_before_any_worker_connects_are_delivered_with_the_first_turn()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-events");
        await wf.StartOverHttpAsync("EventWorkflow", "ev-1");
        using (var raised = await wf.Http.PostAsync("v1.0/workflows/dapr/ev-1/raiseEvent/Approval", new StringContent("{\"ok\":true}"), TestContext.Current.CancellationToken))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, raised.StatusCode);
        }

        // No worker yet: the work waits.
        Assert.Equal("PENDING", (await wf.GetOverHttpAsync("ev-1")).GetProperty("runtimeStatus").GetString());

        await using var worker = await wf.ConnectWorkerAsync();
        var turn = await worker.NextWorkflowAsync("ev-1");
        Assert.Equal([EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.EventRaised], turn.NewEvents.Select(e => e.EventTypeCase));
        Assert.Equal("Approval", turn.NewEvents[2].EventRaised.Name);
        Assert.Equal("{\"ok\":true}", turn.NewEvents[2].EventRaised.Input);

        // An event sent by one workflow to another arrives as EventRaised.
        var ev1Token = worker.LastToken;
        await wf.StartOverHttpAsync("EventWorkflow", "ev-2");
        await worker.NextWorkflowAsync("ev-2");
        await worker.CompleteWorkflowAsync("ev-2", worker.LastToken);
        await worker.CompleteWorkflowAsync("ev-1", ev1Token, Actions.SendEvent(0, "ev-2", "Ping", "1"));
        var ev2 = await worker.NextWorkflowAsync("ev-2");
        var ping = ev2.NewEvents.Single(e => e.EventRaised is not null).EventRaised;
        Assert.Equal("Ping", ping.Name);
        Assert.Equal("1", ping.Input);
        var history = await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstanceHistory, new GetInstanceHistoryRequest { InstanceId = "ev-1" });
        Assert.Contains(history.Events, e => e.EventSent is { InstanceId: "ev-2", Name: "Ping" } && e.EventId == 0);
    }

    [Fact]
    public async Task Child_workflow_result_reaches_the_parent()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-child");
        await using var worker = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("Parent", "parent-1");
        var parentTurn = await worker.NextWorkflowAsync("parent-1");
        await worker.CompleteWorkflowAsync("parent-1", worker.LastToken, Actions.CreateChild(0, "Child", "child-1", "\"x\""));

        var childTurn = await worker.NextWorkflowAsync("child-1");
        var childStart = childTurn.NewEvents.Single(e => e.ExecutionStarted is not null).ExecutionStarted;
        Assert.Equal("Child", childStart.Name);
        Assert.Equal("\"x\"", childStart.Input);
        Assert.Equal("parent-1", childStart.ParentInstance.WorkflowInstance.InstanceId);
        Assert.Equal(parentTurn.ExecutionId, childStart.ParentInstance.WorkflowInstance.ExecutionId);
        Assert.Equal(0, childStart.ParentInstance.TaskScheduledId);
        Assert.Equal("Parent", childStart.ParentInstance.Name);
        await worker.CompleteWorkflowAsync("child-1", worker.LastToken, Actions.Complete(0, "\"child result\""));

        var parentTurn2 = await worker.NextWorkflowAsync("parent-1");
        var result = parentTurn2.NewEvents.Single(e => e.ChildWorkflowInstanceCompleted is not null).ChildWorkflowInstanceCompleted;
        Assert.Equal(0, result.TaskScheduledId);
        Assert.Equal("\"child result\"", result.Result);
        Assert.Contains(parentTurn2.PastEvents, e => e.ChildWorkflowInstanceCreated is { InstanceId: "child-1" } && e.EventId == 0);

        var child = await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "child-1" });
        Assert.Equal("parent-1", child.WorkflowState.ParentInstanceId);

        // A child id left empty is derived from the parent's id and the action id, as durabletask-go does.
        await worker.CompleteWorkflowAsync("parent-1", worker.LastToken, Actions.CreateChild(1, "Child"));
        Assert.Equal("parent-1:0001", (await worker.NextWorkflowAsync()).InstanceId);
    }

    [Fact]
    public async Task Continue_as_new_starts_a_new_execution_with_the_new_input()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-can");
        await using var worker = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("Counter", "can-1", "1");
        var first = await worker.NextWorkflowAsync("can-1");
        var carried = new HistoryEvent { EventId = -1, Timestamp = first.NewEvents[0].Timestamp, EventRaised = new EventRaisedEvent { Name = "kept", Input = "\"k\"" } };
        await worker.CompleteWorkflowAsync("can-1", worker.LastToken, Actions.ScheduleTask(0, "Ignored"), Actions.ContinueAsNew(1, "2", carried));

        var second = await worker.NextWorkflowAsync("can-1");
        Assert.Empty(second.PastEvents);
        Assert.Equal([EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.EventRaised], second.NewEvents.Select(e => e.EventTypeCase));
        Assert.Equal("2", second.NewEvents[1].ExecutionStarted.Input);
        Assert.Equal("Counter", second.NewEvents[1].ExecutionStarted.Name);
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
        Assert.Equal("kept", second.NewEvents[2].EventRaised.Name);

        await worker.CompleteWorkflowAsync("can-1", worker.LastToken, Actions.Complete(0, "\"end\""));
        var done = await wf.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "can-1", GetInputsAndOutputs = true });
        Assert.Equal(OrchestrationStatus.Completed, done.WorkflowState.WorkflowStatus);
        Assert.Equal("2", done.WorkflowState.Input);

        // The activity of the abandoned execution was never dispatched.
        Assert.True(await worker.StaysIdleAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Worker_disconnect_redispatches_the_activity_to_another_stream()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-disconnect");
        var first = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("Flaky", "dc-1");
        await first.NextWorkflowAsync("dc-1");
        await first.CompleteWorkflowAsync("dc-1", first.LastToken, Actions.ScheduleTask(0, "Slow", "\"s\""));
        var (activity, oldToken) = await first.NextActivityAsync();

        await using var second = await wf.ConnectWorkerAsync();
        await first.DisconnectAsync();
        await first.DisposeAsync();

        var (again, newToken) = await second.NextActivityAsync();
        Assert.Equal(activity.TaskId, again.TaskId);
        Assert.Equal("Slow", again.Name);
        Assert.NotEqual(oldToken, newToken);

        // The first worker's late answer carries the old token and is ignored.
        await second.CompleteActivityAsync(activity, oldToken, "\"late\"");
        Assert.True(await second.StaysIdleAsync(TimeSpan.FromMilliseconds(500)));
        await second.CompleteActivityAsync(again, newToken, "\"fresh\"");
        var turn = await second.NextWorkflowAsync("dc-1");
        Assert.Equal("\"fresh\"", turn.NewEvents.Single(e => e.TaskCompleted is not null).TaskCompleted.Result);
    }

    [Fact]
    public async Task Scheduled_start_waits_until_its_time()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-scheduled");
        await using var worker = await wf.ConnectWorkerAsync();
        var startAt = DateTimeOffset.UtcNow.AddMilliseconds(800);

        // A scheduled start is answered at once, not after the first turn.
        var created = await wf.CallAsync(TaskHubSidecarServiceMethods.StartInstance, new CreateInstanceRequest
        {
            InstanceId = "later-1",
            Name = "Later",
            ScheduledStartTimestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(startAt),
        });
        Assert.Equal("later-1", created.InstanceId);
        Assert.Equal("PENDING", (await wf.GetOverHttpAsync("later-1")).GetProperty("runtimeStatus").GetString());

        var turn = await worker.NextWorkflowAsync("later-1");
        Assert.True(DateTimeOffset.UtcNow >= startAt, "the workflow started early");
        Assert.Equal(startAt.ToUnixTimeMilliseconds(), turn.NewEvents[1].ExecutionStarted.ScheduledStartTimestamp.ToDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Workflow_turns_are_spread_over_connected_workers()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-roundrobin");
        await using var a = await wf.ConnectWorkerAsync();
        await using var b = await wf.ConnectWorkerAsync();
        Assert.Equal(2, await wf.ConnectedWorkersAsync());
        await wf.StartOverHttpAsync("Spread", "rr-1");
        await wf.StartOverHttpAsync("Spread", "rr-2");

        var ids = new[] { (await a.NextWorkflowAsync()).InstanceId, (await b.NextWorkflowAsync()).InstanceId };
        Assert.Equal(["rr-1", "rr-2"], ids.Order());

        await a.DisconnectAsync();
        await WorkflowSidecar.WaitUntilAsync(async () => await wf.ConnectedWorkersAsync() == 1, "the closed stream was not removed");
        // The turn a held goes to b.
        var moved = await b.NextWorkflowAsync();
        Assert.Equal(ids[0], moved.InstanceId);
    }
}
