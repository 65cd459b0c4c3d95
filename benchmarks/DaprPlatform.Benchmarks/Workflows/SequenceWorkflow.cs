using Dapr.Workflow;

namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>Five activities one after another (six workflow turns): returns the input plus <see cref="Steps"/>.</summary>
public sealed class SequenceWorkflow : Workflow<int, int>
{
    public const string Name = nameof(SequenceWorkflow);
    public const int Steps = 5;

    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var value = input;
        for (var i = 0; i < Steps; i++)
        {
            value = await context.CallActivityAsync<int>(IncrementActivity.Name, value);
        }

        return value;
    }
}
