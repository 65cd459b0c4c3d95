using Dapr.Workflow;

namespace DaprPlatform.WorkflowApp;

/// <summary>One flaky step under a retry policy of three attempts: fails the workflow when the step fails more often.</summary>
public sealed class RetryWorkflow : Workflow<RetryInput, string>
{
    public const string Name = "RetryWorkflow";

    private static readonly WorkflowTaskOptions ThreeAttempts = new(new WorkflowRetryPolicy(
        maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(100), backoffCoefficient: 2));

    public override Task<string> RunAsync(WorkflowContext context, RetryInput input) =>
        context.CallActivityAsync<string>(RecordedStepActivity.Name, new StepInput("flaky", FailingAttempts: input.FailingAttempts), ThreeAttempts);
}
