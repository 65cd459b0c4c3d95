using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Dapr.DurableTask.Protobuf;
using Xunit;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>Terminate (recursive), suspend/resume and purge, over the HTTP API and gRPC.</summary>
public sealed class WorkflowLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Terminate_over_http_terminates_the_children_too()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-terminate");
        await using var worker = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("Parent", "tp-1");
        await worker.NextWorkflowAsync("tp-1");
        await worker.CompleteWorkflowAsync("tp-1", worker.LastToken, Actions.CreateChild(0, "Child", "tc-1"), Actions.ScheduleTask(1, "Long"));
        await worker.NextAsync();
        await worker.NextAsync();

        using var response = await wf.Http.PostAsync("v1.0/workflows/dapr/tp-1/terminate", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal("TERMINATED", (await wf.GetOverHttpAsync("tp-1")).GetProperty("runtimeStatus").GetString());
        await WorkflowSidecar.WaitUntilAsync(
            async () => (await wf.GetOverHttpAsync("tc-1")).GetProperty("runtimeStatus").GetString() == "TERMINATED", "the child was not terminated");

        var history = await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstanceHistory, new GetInstanceHistoryRequest { InstanceId = "tp-1" });
        Assert.Equal([EventType.ExecutionTerminated, EventType.ExecutionCompleted], history.Events.TakeLast(2).Select(e => e.EventTypeCase));
        Assert.True(history.Events[^2].ExecutionTerminated.Recurse);

        // Terminating a finished workflow changes nothing; gRPC TerminateInstance returns once it is terminal.
        await wf.CallAsync(TaskHubSidecarServiceMethods.TerminateInstance, new TerminateRequest { InstanceId = "tp-1", Output = "\"again\"" });
        Assert.Equal(history.Events.Count, (await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstanceHistory, new GetInstanceHistoryRequest { InstanceId = "tp-1" })).Events.Count);

        // Answers to work sent before the termination are ignored.
        await worker.CompleteWorkflowAsync("tc-1", "", Actions.Complete(0, "\"late\""));
        Assert.Equal("TERMINATED", (await wf.GetOverHttpAsync("tc-1")).GetProperty("runtimeStatus").GetString());
    }

    [Fact]
    public async Task List_instance_ids_pages_over_the_actor_stores_metadata_keys_and_refuses_a_foreign_token()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-list");
        foreach (var id in new[] { "li-1", "li-2", "li-3" })
        {
            await wf.StartOverHttpAsync("Listed", id);
        }

        var first = await wf.CallAsync(TaskHubSidecarServiceMethods.ListInstanceIDs, new ListInstanceIDsRequest { PageSize = 2 });
        var second = await wf.CallAsync(TaskHubSidecarServiceMethods.ListInstanceIDs, new ListInstanceIDsRequest { PageSize = 2, ContinuationToken = first.ContinuationToken });
        var all = await wf.CallAsync(TaskHubSidecarServiceMethods.ListInstanceIDs, new ListInstanceIDsRequest());
        var foreign = await Assert.ThrowsAsync<RpcException>(
            () => wf.CallAsync(TaskHubSidecarServiceMethods.ListInstanceIDs, new ListInstanceIDsRequest { ContinuationToken = "page-2" }));

        Assert.Equal(2, first.InstanceIds.Count);
        Assert.True(first.HasContinuationToken);
        Assert.Single(second.InstanceIds);
        Assert.False(second.HasContinuationToken);
        Assert.Equal(["li-1", "li-2", "li-3"], first.InstanceIds.Concat(second.InstanceIds).Order(StringComparer.Ordinal));
        Assert.Equal(["li-1", "li-2", "li-3"], all.InstanceIds.Order(StringComparer.Ordinal));
        Assert.False(all.HasContinuationToken);
        Assert.Equal(StatusCode.Unknown, foreign.StatusCode);
        Assert.StartsWith("invalid continue token", foreign.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suspend_and_resume_hold_events_until_resumed()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-suspend");
        await using var worker = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("Waiter", "sr-1");
        await worker.NextWorkflowAsync("sr-1");
        await worker.CompleteWorkflowAsync("sr-1", worker.LastToken);

        using (var pause = await wf.Http.PostAsync("v1.0/workflows/dapr/sr-1/pause", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, pause.StatusCode);
        }

        Assert.Equal("SUSPENDED", (await wf.GetOverHttpAsync("sr-1")).GetProperty("runtimeStatus").GetString());
        using (var raise = await wf.Http.PostAsync("v1.0/workflows/dapr/sr-1/raiseEvent/Go", new StringContent("42"), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        }

        Assert.True(await worker.StaysIdleAsync(TimeSpan.FromMilliseconds(700)), "a suspended workflow got a turn");

        using (var resume = await wf.Http.PostAsync("v1.0/workflows/dapr/sr-1/resume", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        }

        var turn = await worker.NextWorkflowAsync("sr-1");
        Assert.Equal([EventType.WorkflowStarted, EventType.EventRaised], turn.NewEvents.Select(e => e.EventTypeCase));
        Assert.Equal([EventType.ExecutionSuspended, EventType.ExecutionResumed], turn.PastEvents.TakeLast(2).Select(e => e.EventTypeCase));
        Assert.Equal("RUNNING", (await wf.GetOverHttpAsync("sr-1")).GetProperty("runtimeStatus").GetString());
        await worker.CompleteWorkflowAsync("sr-1", worker.LastToken);

        // gRPC SuspendInstance/ResumeInstance return once the status has changed.
        await wf.CallAsync(TaskHubSidecarServiceMethods.SuspendInstance, new SuspendRequest { InstanceId = "sr-1", Reason = "maintenance" });
        var suspended = await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "sr-1" });
        Assert.Equal(OrchestrationStatus.Suspended, suspended.WorkflowState.WorkflowStatus);
        await wf.CallAsync(TaskHubSidecarServiceMethods.ResumeInstance, new ResumeRequest { InstanceId = "sr-1" });
        var resumed = await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "sr-1" });
        Assert.Equal(OrchestrationStatus.Running, resumed.WorkflowState.WorkflowStatus);
    }

    [Fact]
    public async Task Purge_deletes_only_finished_workflows_with_their_children()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-purge");
        await using var worker = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("Parent", "pp-1");
        await worker.NextWorkflowAsync("pp-1");
        await worker.CompleteWorkflowAsync("pp-1", worker.LastToken, Actions.CreateChild(0, "Child", "pc-1"));
        await worker.NextWorkflowAsync("pc-1");

        // Not finished: daprd answers 500 ERR_PURGE_WORKFLOW.
        using (var early = await wf.Http.PostAsync("v1.0/workflows/dapr/pp-1/purge", null, Ct))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, early.StatusCode);
            var error = await early.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("ERR_PURGE_WORKFLOW", error.GetProperty("errorCode").GetString());
            Assert.Equal("error purging workflow pp-1: failed to Purge workflow pp-1: failed to purge workflow state: orchestration has not yet completed",
                error.GetProperty("message").GetString());
        }

        await worker.CompleteWorkflowAsync("pc-1", worker.LastToken, Actions.Complete(0, "1"));
        await worker.NextWorkflowAsync("pp-1");
        await worker.CompleteWorkflowAsync("pp-1", worker.LastToken, Actions.Complete(1, "2"));
        await wf.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "pp-1" });

        using (var purge = await wf.Http.PostAsync("v1.0/workflows/dapr/pp-1/purge", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, purge.StatusCode);
        }

        foreach (var id in new[] { "pp-1", "pc-1" })
        {
            using var get = await wf.Http.GetAsync($"v1.0/workflows/dapr/{id}", Ct);
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        }

        using (var again = await wf.Http.PostAsync("v1.0/workflows/dapr/pp-1/purge", null, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }

        // A purged id can be used again.
        await wf.StartOverHttpAsync("Parent", "pp-1");
        var fresh = await worker.NextWorkflowAsync("pp-1");
        Assert.Empty(fresh.PastEvents);

        // gRPC: force purges a running workflow and reports the count.
        var purged = await wf.CallAsync(TaskHubSidecarServiceMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = "pp-1", Recursive = true, Force = true });
        Assert.Equal(1, purged.DeletedInstanceCount);
        Assert.False((await wf.CallAsync(TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "pp-1" })).Exists);
        var notFound = await Assert.ThrowsAsync<RpcException>(() =>
            wf.CallAsync(TaskHubSidecarServiceMethods.PurgeInstances, new PurgeInstancesRequest { InstanceId = "pp-1" }));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task Graceful_stop_ends_long_polls_and_worker_streams_promptly()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-stop");
        await using var worker = await wf.ConnectWorkerAsync();
        await wf.StartOverHttpAsync("Forever", "stop-1");
        await worker.NextWorkflowAsync("stop-1");
        var wait = wf.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "stop-1" }, TimeSpan.FromSeconds(60));
        await Task.Delay(200, Ct);

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await wf.Sidecar.StopAsync();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"stopping took {stopwatch.Elapsed}");
        var error = await Assert.ThrowsAsync<RpcException>(() => wait);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Wait_for_instance_completion_ends_at_the_deadline()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-deadline");
        await wf.StartOverHttpAsync("Never", "dl-1");
        var error = await Assert.ThrowsAsync<RpcException>(() => wf.CallAsync(
            TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "dl-1" }, TimeSpan.FromMilliseconds(500)));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);

        // Waiting for the start of an instance that does not exist yet ends when it is created and started.
        await using var worker = await wf.ConnectWorkerAsync();
        var wait = wf.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceStart, new GetInstanceRequest { InstanceId = "dl-2" });
        await Task.Delay(300, Ct);
        Assert.False(wait.IsCompleted);
        var turns = new List<string> { (await worker.NextWorkflowAsync()).InstanceId };
        await wf.StartOverHttpAsync("Later", "dl-2");
        var turn = await worker.NextWorkflowAsync("dl-2");
        await worker.CompleteWorkflowAsync("dl-2", worker.LastToken);
        var started = await wait;
        Assert.Equal(OrchestrationStatus.Running, started.WorkflowState.WorkflowStatus);
        Assert.Equal(["dl-1"], turns);
        Assert.Equal("dl-2", turn.InstanceId);
    }
}
