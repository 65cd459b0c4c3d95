using Dapr.Workflow;

namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>Ten activities scheduled at once and awaited together (fan-out/fan-in): returns the sum of input+1 .. input+10.</summary>
public sealed class FanOutWorkflow : Workflow<int, int>
{
    public const string Name = nameof(FanOutWorkflow);
    public const int Width = 10;

    public static int Expected(int input) => Enumerable.Range(input, Width).Sum() + Width;

    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var branches = new Task<int>[Width];
        for (var i = 0; i < Width; i++)
        {
            branches[i] = context.CallActivityAsync<int>(IncrementActivity.Name, input + i);
        }

        return (await Task.WhenAll(branches)).Sum();
    }
}
