using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;
using DaprPlatform.Workflow.Testing.Replay;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Workflow.Testing.Tests;

/// <summary>
/// The executor against hand-written protocol histories, as the sidecar sends them: these pin the wire contract
/// (action ids, only-new actions, completion shapes) the sidecar's workflow engine relies on.
/// </summary>
public sealed class ExecutorProtocolTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly string OrderJson = "{\"orderId\":\"order-17\",\"sku\":\"sku-42\",\"quantity\":2,\"amount\":59.90}";

    private readonly WorkflowExecutor _executor = CreateExecutor(o =>
    {
        o.RegisterWorkflow<SampleOrderWorkflow>();
        o.RegisterWorkflow<string, string>("Approval", async (context, _) =>
        {
            try
            {
                return await context.WaitForExternalEventAsync<string>("Decision", TimeSpan.FromHours(1));
            }
            catch (TaskCanceledException)
            {
                return "timeout";
            }
        });
        o.RegisterWorkflow<int, int>("Loop", async (context, n) =>
        {
            await context.CreateTimer(TimeSpan.FromMinutes(1));
            context.ContinueAsNew(n + 1);
            return n;
        });
    });

    [Fact]
    public void The_first_turn_schedules_the_first_activity_as_action_zero()
    {
        var response = Execute([], [Started(T0), ExecutionStarted(nameof(SampleOrderWorkflow), OrderJson)]);

        var action = Assert.Single(response.Actions);
        Assert.Equal(0, action.Id);
        Assert.Equal("ReserveInventory", action.ScheduleTask.Name);
        Assert.Equal("{\"orderId\":\"order-17\",\"sku\":\"sku-42\",\"quantity\":2}", action.ScheduleTask.Input);
        Assert.False(string.IsNullOrEmpty(action.ScheduleTask.TaskExecutionId));
        Assert.Equal("\"Reserving\"", response.CustomStatus);
        Assert.Equal("wf-1", response.InstanceId);
    }

    [Fact]
    public void A_replayed_turn_returns_only_actions_history_does_not_have()
    {
        List<HistoryEvent> past = [Started(T0), ExecutionStarted(nameof(SampleOrderWorkflow), OrderJson), TaskScheduled(0, "ReserveInventory")];

        var response = Execute(past, [Started(T0.AddSeconds(1)), TaskCompleted(0, "\"reservation-1\"")]);

        var action = Assert.Single(response.Actions);
        Assert.Equal(1, action.Id);
        Assert.Equal("ChargePayment", action.ScheduleTask.Name);
        Assert.Equal("\"Charging\"", response.CustomStatus);
    }

    [Fact]
    public void The_last_turn_completes_the_workflow_with_its_output()
    {
        List<HistoryEvent> past =
        [
            Started(T0), ExecutionStarted(nameof(SampleOrderWorkflow), OrderJson), TaskScheduled(0, "ReserveInventory"),
            Started(T0), TaskCompleted(0, "\"r\""), TaskScheduled(1, "ChargePayment"),
            Started(T0), TaskCompleted(1, "\"p\""), TaskScheduled(2, "ShipOrder"),
        ];

        var response = Execute(past, [Started(T0), TaskCompleted(2, "\"track-9\"")]);

        var action = Assert.Single(response.Actions);
        Assert.Equal(3, action.Id);
        Assert.Equal(OrchestrationStatus.Completed, action.CompleteWorkflow.WorkflowStatus);
        Assert.Equal("{\"orderId\":\"order-17\",\"status\":\"Completed\",\"trackingNumber\":\"track-9\"}", action.CompleteWorkflow.Result);
    }

    [Fact]
    public void A_history_mismatch_answers_with_a_single_failed_completion()
    {
        List<HistoryEvent> past = [Started(T0), ExecutionStarted(nameof(SampleOrderWorkflow), OrderJson), TaskScheduled(0, "SomethingElse")];

        var response = Execute(past, [Started(T0), TaskCompleted(0, "\"x\"")]);

        var action = Assert.Single(response.Actions);
        Assert.Equal(OrchestrationStatus.Failed, action.CompleteWorkflow.WorkflowStatus);
        Assert.Equal(typeof(NonDeterministicWorkflowException).FullName, action.CompleteWorkflow.FailureDetails.ErrorType);
        Assert.Contains("'SomethingElse'", action.CompleteWorkflow.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'ReserveInventory'", action.CompleteWorkflow.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_terminate_event_answers_with_a_terminated_completion_only()
    {
        List<HistoryEvent> past = [Started(T0), ExecutionStarted(nameof(SampleOrderWorkflow), OrderJson), TaskScheduled(0, "ReserveInventory")];

        var response = Execute(past, [Started(T0), TaskCompleted(0, "\"r\""), Event(e => e.ExecutionTerminated = new ExecutionTerminatedEvent { Input = "\"stop\"" })]);

        var action = Assert.Single(response.Actions);
        Assert.Equal(OrchestrationStatus.Terminated, action.CompleteWorkflow.WorkflowStatus);
        Assert.Equal("\"stop\"", action.CompleteWorkflow.Result);
    }

    [Fact]
    public void Suspension_withholds_actions_until_a_turn_with_resume()
    {
        List<HistoryEvent> past = [Started(T0), ExecutionStarted(nameof(SampleOrderWorkflow), OrderJson), TaskScheduled(0, "ReserveInventory")];
        List<HistoryEvent> suspendedTurn = [Started(T0), Event(e => e.ExecutionSuspended = new ExecutionSuspendedEvent()), TaskCompleted(0, "\"r\"")];

        var whileSuspended = Execute(past, suspendedTurn);
        var afterResume = Execute([.. past, .. suspendedTurn], [Started(T0), Event(e => e.ExecutionResumed = new ExecutionResumedEvent())]);

        Assert.Empty(whileSuspended.Actions);
        var action = Assert.Single(afterResume.Actions);
        Assert.Equal(1, action.Id);
        Assert.Equal("ChargePayment", action.ScheduleTask.Name);
    }

    [Fact]
    public void A_wait_with_timeout_creates_an_external_event_timer()
    {
        var response = Execute([], [Started(T0), ExecutionStarted("Approval", null)]);

        var timer = Assert.Single(response.Actions);
        Assert.Equal(0, timer.Id);
        Assert.Equal(Timestamp.FromDateTime(T0.AddHours(1)), timer.CreateTimer.FireAt);
        Assert.Equal("Decision", timer.CreateTimer.ExternalEvent.Name);
    }

    [Fact]
    public void Without_a_workflow_started_event_the_start_event_time_is_the_current_time()
    {
        var response = Execute([], [ExecutionStarted("Approval", null)]);

        Assert.Equal(Timestamp.FromDateTime(T0.AddHours(1)), Assert.Single(response.Actions).CreateTimer.FireAt);
    }

    [Fact]
    public void The_timeout_timer_firing_resolves_the_wait()
    {
        List<HistoryEvent> past = [Started(T0), ExecutionStarted("Approval", null), TimerCreated(0, T0.AddHours(1))];

        var response = Execute(past, [Started(T0.AddHours(1)), Event(e => e.TimerFired = new TimerFiredEvent { TimerId = 0, FireAt = Timestamp.FromDateTime(T0.AddHours(1)) })]);

        Assert.Equal("\"timeout\"", Assert.Single(response.Actions).CompleteWorkflow.Result);
    }

    [Fact]
    public void Continue_as_new_carries_unconsumed_events_in_the_completion()
    {
        List<HistoryEvent> past = [Started(T0), ExecutionStarted("Loop", "5"), TimerCreated(0, T0.AddMinutes(1))];
        var raised = Event(e => e.EventRaised = new EventRaisedEvent { Name = "Later", Input = "\"keep me\"" });

        var response = Execute(past, [Started(T0.AddMinutes(1)), raised, Event(e => e.TimerFired = new TimerFiredEvent { TimerId = 0 })]);

        var completion = Assert.Single(response.Actions).CompleteWorkflow;
        Assert.Equal(OrchestrationStatus.ContinuedAsNew, completion.WorkflowStatus);
        Assert.Equal("6", completion.Result);
        Assert.Equal(raised, Assert.Single(completion.CarryoverEvents));
    }

    private WorkflowResponse Execute(IEnumerable<HistoryEvent> past, IEnumerable<HistoryEvent> @new)
    {
        var request = new WorkflowRequest { InstanceId = "wf-1" };
        request.PastEvents.AddRange(past);
        request.NewEvents.AddRange(@new);
        return _executor.ExecuteWorkflow(request);
    }

    private static WorkflowExecutor CreateExecutor(Action<WorkflowRuntimeOptions> configure)
    {
        var options = new WorkflowRuntimeOptions();
        configure(options);
        var registry = new WorkflowRegistry();
        options.ApplyRegistrations(registry);
        return new WorkflowExecutor(registry, new WorkflowSerializer(WorkflowSerializer.DefaultOptions), new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance);
    }

    private static HistoryEvent Event(Action<HistoryEvent> set, int eventId = -1)
    {
        var historyEvent = new HistoryEvent { EventId = eventId, Timestamp = Timestamp.FromDateTime(T0) };
        set(historyEvent);
        return historyEvent;
    }

    private static HistoryEvent Started(DateTime at)
    {
        var historyEvent = Event(e => e.WorkflowStarted = new WorkflowStartedEvent());
        historyEvent.Timestamp = Timestamp.FromDateTime(at);
        return historyEvent;
    }

    private static HistoryEvent ExecutionStarted(string name, string? input) =>
        Event(e => e.ExecutionStarted = new ExecutionStartedEvent { Name = name, Input = input, WorkflowInstance = new WorkflowInstance { InstanceId = "wf-1" } });

    private static HistoryEvent TaskScheduled(int id, string name) => Event(e => e.TaskScheduled = new TaskScheduledEvent { Name = name }, id);

    private static HistoryEvent TaskCompleted(int id, string result) => Event(e => e.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = id, Result = result });

    private static HistoryEvent TimerCreated(int id, DateTime fireAt) => Event(e => e.TimerCreated = new TimerCreatedEvent { FireAt = Timestamp.FromDateTime(fireAt) }, id);
}
