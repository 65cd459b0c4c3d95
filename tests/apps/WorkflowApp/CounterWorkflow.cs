using Dapr.Workflow;

namespace DaprPlatform.WorkflowApp;

/// <summary>Runs one step per generation and continues as new until the count reaches its end.</summary>
public sealed class CounterWorkflow : Workflow<CounterInput, int>
{
    public const string Name = "CounterWorkflow";

    public override async Task<int> RunAsync(WorkflowContext context, CounterInput input)
    {
        await context.CallActivityAsync<string>(RecordedStepActivity.Name, new StepInput($"count-{input.Count}"));
        if (input.Count < input.Until)
        {
            context.ContinueAsNew(input with { Count = input.Count + 1 });
        }

        return input.Count;
    }
}
