namespace DaprPlatform.Dapr.Workflow;

/// <summary>The untyped view of a workflow the executor runs; derive from <see cref="Workflow{TInput, TOutput}"/> instead.</summary>
public interface IWorkflow
{
    Type InputType { get; }

    Task<object?> RunAsync(WorkflowContext context, object? input);
}
