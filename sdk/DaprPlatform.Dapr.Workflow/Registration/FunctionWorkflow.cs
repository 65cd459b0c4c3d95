namespace DaprPlatform.Dapr.Workflow;

/// <summary>A workflow registered as a function.</summary>
internal sealed class FunctionWorkflow<TInput, TOutput>(Func<WorkflowContext, TInput, Task<TOutput>> implementation) : Workflow<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(WorkflowContext context, TInput input) => implementation(context, input);
}
