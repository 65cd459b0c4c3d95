using Dapr.Workflow;

namespace DaprPlatform.WorkflowApp;

/// <summary>Runs <see cref="FanOutInput.Width"/> steps at once and returns their results in order.</summary>
public sealed class FanOutWorkflow : Workflow<FanOutInput, string[]>
{
    public const string Name = "FanOutWorkflow";

    public override Task<string[]> RunAsync(WorkflowContext context, FanOutInput input) =>
        Task.WhenAll(Enumerable.Range(1, input.Width)
            .Select(i => context.CallActivityAsync<string>(RecordedStepActivity.Name, new StepInput($"branch-{i}"))));
}
