using Dapr.Workflow;

namespace DaprPlatform.WorkflowApp;

/// <summary>A step, a durable timer, another step: returns the workflow time the timer fired at.</summary>
public sealed class TimerWorkflow : Workflow<TimerInput, DateTime>
{
    public const string Name = "TimerWorkflow";

    public override async Task<DateTime> RunAsync(WorkflowContext context, TimerInput input)
    {
        await context.CallActivityAsync<string>(RecordedStepActivity.Name, new StepInput("before-timer"));
        await context.CreateTimer(TimeSpan.FromMilliseconds(input.DelayMs));
        var firedAt = context.CurrentUtcDateTime;
        await context.CallActivityAsync<string>(RecordedStepActivity.Name, new StepInput("after-timer"));
        return firedAt;
    }
}
