using Dapr.Workflow;

namespace DaprPlatform.WorkflowApp;

/// <summary>Waits for an "approval" event, then runs one step with the approver's answer.</summary>
public sealed class ApprovalWorkflow : Workflow<ApprovalInput, string>
{
    public const string Name = "ApprovalWorkflow";
    public const string EventName = "approval";

    public override async Task<string> RunAsync(WorkflowContext context, ApprovalInput input)
    {
        context.SetCustomStatus("waiting");
        var approver = await context.WaitForExternalEventAsync<string>(EventName);
        context.SetCustomStatus("approved");
        await context.CallActivityAsync<string>(RecordedStepActivity.Name, new StepInput($"approved-by-{approver}"));
        return $"{input.Request} approved by {approver}";
    }
}
