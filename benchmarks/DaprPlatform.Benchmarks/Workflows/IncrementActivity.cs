using Dapr.Workflow;

namespace DaprPlatform.Benchmarks.Workflows;

/// <summary>The benchmark's activity: as little work as possible, so the figures are the engine's.</summary>
public sealed class IncrementActivity : WorkflowActivity<int, int>
{
    public const string Name = nameof(IncrementActivity);

    public override Task<int> RunAsync(WorkflowActivityContext context, int input) => Task.FromResult(input + 1);
}
