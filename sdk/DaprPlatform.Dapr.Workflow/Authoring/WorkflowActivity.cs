namespace DaprPlatform.Dapr.Workflow;

/// <summary>
/// A workflow activity: ordinary (non-replayed) code that does the actual work. Created from a DI scope for every
/// execution, so it can take services in its constructor. Activities run at least once; make them idempotent.
/// </summary>
public abstract class WorkflowActivity<TInput, TOutput> : IWorkflowActivity
{
    public abstract Task<TOutput> RunAsync(WorkflowActivityContext context, TInput input);

    Type IWorkflowActivity.InputType => typeof(TInput);

    async Task<object?> IWorkflowActivity.RunAsync(WorkflowActivityContext context, object? input) => await RunAsync(context, (TInput)input!);
}
