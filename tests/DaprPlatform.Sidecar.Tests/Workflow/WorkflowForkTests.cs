using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Sidecar.Runtime.Workflow;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Xunit;
using EventType = DaprPlatform.DurableTask.Protocol.HistoryEvent.EventTypeOneofCase;

namespace DaprPlatform.Sidecar.Tests.Workflow;

public sealed class WorkflowForkTests
{
    private static readonly Timestamp T0 = Timestamp.FromDateTime(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));

    // A finished workflow: A (0) is still running when B (1) completes, a timer (2) is set, C (3) is scheduled,
    // then A and C complete.
    private static readonly HistoryEvent[] Source =
    [
        new() { EventId = -1, Timestamp = T0, WorkflowStarted = new WorkflowStartedEvent() },
        new() { EventId = -1, Timestamp = T0, ExecutionStarted = new ExecutionStartedEvent { Name = "Wf", Input = "\"in\"", WorkflowInstance = new WorkflowInstance { InstanceId = "src", ExecutionId = "x1" } } },
        new() { EventId = 0, Timestamp = T0, TaskScheduled = new TaskScheduledEvent { Name = "A", Input = "\"a\"" } },
        new() { EventId = 1, Timestamp = T0, TaskScheduled = new TaskScheduledEvent { Name = "B", Input = "\"b\"" } },
        new() { EventId = -1, Timestamp = T0, TaskCompleted = new TaskCompletedEvent { TaskScheduledId = 1, Result = "\"b-done\"" } },
        new() { EventId = 2, Timestamp = T0, TimerCreated = new TimerCreatedEvent { FireAt = T0 } },
        new() { EventId = 3, Timestamp = T0, ChildWorkflowInstanceCreated = new ChildWorkflowInstanceCreatedEvent { Name = "Child", InstanceId = "src:0003", Input = "\"c\"" } },
        new() { EventId = -1, Timestamp = T0, TaskCompleted = new TaskCompletedEvent { TaskScheduledId = 0, Result = "\"a-done\"" } },
        new() { EventId = -1, Timestamp = T0, ExecutionCompleted = new ExecutionCompletedEvent { WorkflowStatus = OrchestrationStatus.Completed } },
    ];

    [Fact]
    public void Build_keeps_finished_work_and_runs_the_unfinished_again_before_the_target()
    {
        var forked = WorkflowFork.Build("src", Source, targetEventId: 3, "copy", overwriteInput: true, "\"new\"", newChildInstanceId: null);

        Assert.Equal(
            [EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.TaskScheduled, EventType.TaskCompleted, EventType.TaskScheduled, EventType.TimerCreated, EventType.ChildWorkflowInstanceCreated],
            forked.Select(e => e.EventTypeCase));
        Assert.Equal("copy", forked[1].ExecutionStarted.WorkflowInstance.InstanceId);
        Assert.Equal(("B", "A"), (forked[2].TaskScheduled.Name, forked[4].TaskScheduled.Name));
        var target = forked[^1].ChildWorkflowInstanceCreated;
        Assert.Equal("copy:0003", target.InstanceId);
        Assert.Equal("\"new\"", target.Input);
        Assert.Equal("src", target.RerunParentInstanceInfo.InstanceID);
        // The source is not changed by the fork.
        Assert.Equal("src", Source[1].ExecutionStarted.WorkflowInstance.InstanceId);
        Assert.Equal("src:0003", Source[6].ChildWorkflowInstanceCreated.InstanceId);
    }

    [Fact]
    public void Build_gives_a_target_child_the_callers_instance_id_and_an_activity_its_new_input()
    {
        var child = WorkflowFork.Build("src", Source, 3, "copy", overwriteInput: false, null, newChildInstanceId: "mine");
        var activity = WorkflowFork.Build("src", Source, 1, "copy", overwriteInput: true, "\"b2\"", null);

        Assert.Equal("mine", child[^1].ChildWorkflowInstanceCreated.InstanceId);
        Assert.Equal("\"c\"", child[^1].ChildWorkflowInstanceCreated.Input);
        Assert.Equal([EventType.WorkflowStarted, EventType.ExecutionStarted, EventType.TaskScheduled, EventType.TaskScheduled], activity.Select(e => e.EventTypeCase));
        Assert.Equal(("A", "B", "\"b2\""), (activity[2].TaskScheduled.Name, activity[3].TaskScheduled.Name, activity[3].TaskScheduled.Input));
    }

    [Theory]
    [InlineData(9, false, null, StatusCode.NotFound, "does not have history event with ID '9'")]
    [InlineData(-1, false, null, StatusCode.NotFound, "target event '*protos.HistoryEvent_WorkflowStarted' with ID '-1' is not an event that can be rerun")]
    [InlineData(2, true, null, StatusCode.InvalidArgument, "cannot write input to timer event '2'")]
    [InlineData(2, false, "c2", StatusCode.InvalidArgument, "cannot set new child workflow instance ID on timer event '2'")]
    [InlineData(0, false, "c2", StatusCode.InvalidArgument, "cannot set new child workflow instance ID on activity event '0'")]
    public void Build_refuses_what_daprd_refuses(int eventId, bool overwriteInput, string? newChildInstanceId, StatusCode code, string message)
    {
        var error = Assert.Throws<WorkflowRerunException>(() => WorkflowFork.Build("src", Source, eventId, "copy", overwriteInput, null, newChildInstanceId));

        Assert.Equal((code, message), (error.Code, error.Message));
    }
}
