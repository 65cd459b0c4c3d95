using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>The workflow actions a test worker answers with.</summary>
internal static class Actions
{
    public static WorkflowAction ScheduleTask(int id, string name, string? input = null) =>
        new() { Id = id, ScheduleTask = new ScheduleTaskAction { Name = name, Input = input, TaskExecutionId = Guid.NewGuid().ToString() } };

    public static WorkflowAction Complete(int id, string? result) =>
        new() { Id = id, CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Completed, Result = result } };

    public static WorkflowAction Fail(int id, string errorType, string message) => new()
    {
        Id = id,
        CompleteWorkflow = new CompleteWorkflowAction
        {
            WorkflowStatus = OrchestrationStatus.Failed,
            Result = "\"ignored\"",
            FailureDetails = new TaskFailureDetails { ErrorType = errorType, ErrorMessage = message, StackTrace = "at Workflow.Run()" },
        },
    };

    public static WorkflowAction ContinueAsNew(int id, string? input, params HistoryEvent[] carryover)
    {
        var complete = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.ContinuedAsNew, Result = input };
        complete.CarryoverEvents.Add(carryover);
        return new WorkflowAction { Id = id, CompleteWorkflow = complete };
    }

    public static WorkflowAction CreateTimer(int id, DateTimeOffset fireAt) =>
        new() { Id = id, CreateTimer = new CreateTimerAction { FireAt = Timestamp.FromDateTimeOffset(fireAt), CreateTimer = new TimerOriginCreateTimer() } };

    public static WorkflowAction CreateChild(int id, string name, string? instanceId = null, string? input = null) =>
        new() { Id = id, CreateChildWorkflow = new CreateChildWorkflowAction { Name = name, InstanceId = instanceId ?? "", Input = input } };

    public static WorkflowAction SendEvent(int id, string targetInstanceId, string name, string? data) =>
        new() { Id = id, SendEvent = new SendEventAction { Instance = new WorkflowInstance { InstanceId = targetInstanceId }, Name = name, Data = data } };
}
