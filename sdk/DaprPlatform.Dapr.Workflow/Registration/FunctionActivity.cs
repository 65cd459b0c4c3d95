namespace DaprPlatform.Dapr.Workflow;

/// <summary>An activity registered as a function.</summary>
internal sealed class FunctionActivity<TInput, TOutput>(Func<WorkflowActivityContext, TInput, Task<TOutput>> implementation) : WorkflowActivity<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(WorkflowActivityContext context, TInput input) => implementation(context, input);
}
