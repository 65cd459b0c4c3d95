using Dapr.Workflow;

using Grpc.Core;

namespace DaprPlatform.Conformance.Tests.Workflows;

/// <summary>
/// The C# workflow SDK end to end: DaprWorkflowClient and a worker app process (AddDaprWorkflow) through a real
/// sidecar whose engine keeps its history in Redis.
/// </summary>
public sealed class DaprWorkflowClientTests(SharedWorkflowEnvironment shared) : IClassFixture<SharedWorkflowEnvironment>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private WorkflowEnvironment Environment => shared.Environment;

    private DaprWorkflowClient Client => shared.Environment.Client;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_four_step_saga_completes_with_every_activity_run_once_in_order()
    {
        var instanceId = await Client.ScheduleNewWorkflowAsync(
            WorkflowAppNames.OrderSaga, instanceId: null, input: new SagaInput("order-1", WorkflowAppNames.SagaSteps), startTime: null, cancellation: Cancellation);

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(WorkflowAppNames.OrderSaga, state.WorkflowName);
        var output = state.ReadOutputAs<SagaOutput>()!;
        Assert.Equal("Completed", output.Status);
        Assert.Equal(WorkflowAppNames.SagaSteps, output.Completed);
        Assert.Empty(output.Compensated);
        Assert.Equal("completed", state.ReadCustomStatusAs<string>());
        Assert.Equal("order-1", state.ReadInputAs<SagaInput>()!.OrderId);
        Assert.Equal(WorkflowAppNames.SagaSteps, Environment.Journal.StartedSteps(instanceId));
    }

    [Fact]
    public async Task A_failing_step_runs_the_compensations_in_reverse_order()
    {
        var instanceId = await Client.ScheduleNewWorkflowAsync(
            WorkflowAppNames.OrderSaga,
            instanceId: null, input: new SagaInput("order-2", WorkflowAppNames.SagaSteps, FailAt: "ship-order"),
            startTime: null, cancellation: Cancellation);

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);

        // The saga handled its failure: the workflow itself completes, its outcome says compensated.
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("Compensated", state.ReadCustomStatusAs<string>());
        var output = state.ReadOutputAs<SagaOutput>()!;
        Assert.Equal("Compensated", output.Status);
        Assert.Equal(["reserve-inventory", "charge-payment"], output.Completed);
        Assert.Equal(["undo-charge-payment", "undo-reserve-inventory"], output.Compensated);
        Assert.Contains("step ship-order failed", output.Error);
        Assert.Equal(
            ["reserve-inventory", "charge-payment", "ship-order", "undo-charge-payment", "undo-reserve-inventory"],
            Environment.Journal.StartedSteps(instanceId));
        Assert.Equal(0, Environment.Journal.Starts(instanceId, "notify-customer"));
    }

    [Fact]
    public async Task A_raised_event_resumes_the_waiting_workflow_with_its_payload()
    {
        var instanceId = await Client.ScheduleNewWorkflowAsync(
            WorkflowAppNames.Approval, instanceId: null, input: new ApprovalInput("expense-7"), startTime: null, cancellation: Cancellation);
        var waiting = await WaitForCustomStatusAsync(instanceId, "waiting");
        Assert.Equal(WorkflowRuntimeStatus.Running, waiting.RuntimeStatus);

        await Client.RaiseEventAsync(instanceId, WorkflowAppNames.ApprovalEvent, "alice", Cancellation);

        var state = await Environment.WaitForCompletionAsync(instanceId, Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("expense-7 approved by alice", state.ReadOutputAs<string>());
        Assert.Equal("approved", state.ReadCustomStatusAs<string>());
        Assert.Equal(["approved-by-alice"], Environment.Journal.StartedSteps(instanceId));
    }

    [Fact]
    public async Task Suspend_holds_events_until_resume_then_terminate_and_purge_through_the_client()
    {
        var instanceId = await Client.ScheduleNewWorkflowAsync(
            WorkflowAppNames.Approval, instanceId: null, input: new ApprovalInput("expense-8"), startTime: null, cancellation: Cancellation);
        await WaitForCustomStatusAsync(instanceId, "waiting");

        await Client.SuspendWorkflowAsync(instanceId, "audit", Cancellation);
        await Environment.WaitForStatusAsync(instanceId, WorkflowRuntimeStatus.Suspended, Timeout);
        await Client.RaiseEventAsync(instanceId, WorkflowAppNames.ApprovalEvent, "bob", Cancellation);
        await Task.Delay(500, Cancellation);
        var suspended = await Client.GetWorkflowStateAsync(instanceId, cancellation: Cancellation);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, suspended.RuntimeStatus);
        Assert.Empty(Environment.Journal.StartedSteps(instanceId));

        await Client.ResumeWorkflowAsync(instanceId, "audit done", Cancellation);
        var resumed = await Environment.WaitForCompletionAsync(instanceId, Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Completed, resumed.RuntimeStatus);
        Assert.Equal("expense-8 approved by bob", resumed.ReadOutputAs<string>());

        var other = await Client.ScheduleNewWorkflowAsync(
            WorkflowAppNames.Approval, instanceId: null, input: new ApprovalInput("expense-9"), startTime: null, cancellation: Cancellation);
        await WaitForCustomStatusAsync(other, "waiting");
        await Client.TerminateWorkflowAsync(other, "cancelled by test", cancellation: Cancellation);
        var terminated = await Environment.WaitForCompletionAsync(other, Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Equal("cancelled by test", terminated.ReadOutputAs<string>());

        Assert.True(await Client.PurgeInstanceAsync(other, cancellation: Cancellation));
        Assert.True(await Client.PurgeInstanceAsync(instanceId, cancellation: Cancellation));
        Assert.False((await Client.GetWorkflowStateAsync(other, cancellation: Cancellation)).Exists);
        Assert.False((await Client.GetWorkflowStateAsync(instanceId, cancellation: Cancellation)).Exists);
        // As daprd: purging an instance that does not exist is NOT_FOUND (404 over HTTP).
        var purgeAgain = await Assert.ThrowsAsync<RpcException>(() => Client.PurgeInstanceAsync(other, cancellation: Cancellation));
        Assert.Equal(StatusCode.NotFound, purgeAgain.StatusCode);
    }

    private async Task<WorkflowState> WaitForCustomStatusAsync(string instanceId, string customStatus)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var state = await Client.GetWorkflowStateAsync(instanceId, cancellation: Cancellation);
            if (state.ReadCustomStatusAs<string>() == customStatus)
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{instanceId} has custom status {state.ReadCustomStatusAs<JsonElement?>()}, not {customStatus}.");
            await Task.Delay(50, Cancellation);
        }
    }
}
