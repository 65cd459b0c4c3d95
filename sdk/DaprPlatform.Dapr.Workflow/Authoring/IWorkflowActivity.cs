namespace DaprPlatform.Dapr.Workflow;

/// <summary>The untyped view of an activity the executor runs; derive from <see cref="WorkflowActivity{TInput, TOutput}"/> instead.</summary>
public interface IWorkflowActivity
{
    Type InputType { get; }

    Task<object?> RunAsync(WorkflowActivityContext context, object? input);
}
