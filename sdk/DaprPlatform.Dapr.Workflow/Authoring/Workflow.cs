namespace DaprPlatform.Dapr.Workflow;

/// <summary>
/// A workflow: orchestration code that is replayed from its history, so it must be deterministic. Only await
/// <see cref="WorkflowContext"/> APIs, read time from <see cref="WorkflowContext.CurrentUtcDateTime"/>, and create
/// ids with <see cref="WorkflowContext.NewGuid"/>; do I/O in activities.
/// </summary>
public abstract class Workflow<TInput, TOutput> : IWorkflow
{
    public abstract Task<TOutput> RunAsync(WorkflowContext context, TInput input);

    Type IWorkflow.InputType => typeof(TInput);

    async Task<object?> IWorkflow.RunAsync(WorkflowContext context, object? input) => await RunAsync(context, (TInput)input!);
}
