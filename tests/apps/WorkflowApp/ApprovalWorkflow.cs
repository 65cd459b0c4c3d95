using Dapr.Workflow;

namespace DaprPlatform.WorkflowApp;

/// <summary>Waits for an "approval" event (up to its timeout, if any), then runs one step with the approver's answer.</summary>
public sealed class ApprovalWorkflow : Workflow<ApprovalInput, string>
{
    public const string Name = "ApprovalWorkflow";
    public const string EventName = "approval";

    public override async Task<string> RunAsync(WorkflowContext context, ApprovalInput input)
    {
        context.SetCustomStatus("waiting");
        string approver;
        try
        {
            approver = input.TimeoutMs is { } timeoutMs
                ? await context.WaitForExternalEventAsync<string>(EventName, TimeSpan.FromMilliseconds(timeoutMs))
                : await context.WaitForExternalEventAsync<string>(EventName);
        }
        catch (TaskCanceledException)
        {
            context.SetCustomStatus("timed-out");
            return $"{input.Request} timed out";
        }

        context.SetCustomStatus("approved");
        await context.CallActivityAsync<string>(RecordedStepActivity.Name, new StepInput($"approved-by-{approver}"));
        return $"{input.Request} approved by {approver}";
    }
}
