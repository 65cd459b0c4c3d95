using Dapr.Workflow;
using Dapr.Workflow.Abstractions;
using Dapr.Workflow.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Workflow.Testing.Replay;

/// <summary>
/// Receives the registrations of a <see cref="WorkflowRuntimeOptions"/> (the options an app passes to
/// <c>AddDaprWorkflow</c>) and creates the workflows and activities by name. Dapr.Workflow's own factory is internal;
/// this one follows it: activities get constructor injection from the service provider, workflows do not (their code
/// must be deterministic, so the SDK creates them with a parameterless constructor), names are case-sensitive.
/// </summary>
internal sealed class WorkflowRegistry : IWorkflowsFactory
{
    private readonly Dictionary<string, Func<IServiceProvider, IWorkflow>> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IServiceProvider, IWorkflowActivity>> _activities = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> WorkflowNames => _workflows.Keys;

    public void RegisterWorkflow<TWorkflow>(string? name = null)
        where TWorkflow : class, IWorkflow =>
        _workflows[name ?? typeof(TWorkflow).Name] = _ => Activator.CreateInstance<TWorkflow>();

    public void RegisterWorkflow<TInput, TOutput>(string name, Func<WorkflowContext, TInput, Task<TOutput>> implementation) =>
        _workflows[name] = _ => new FunctionWorkflow<TInput, TOutput>(implementation);

    public void RegisterActivity<TActivity>(string? name = null)
        where TActivity : class, IWorkflowActivity =>
        _activities[name ?? typeof(TActivity).Name] = services => ActivatorUtilities.CreateInstance<TActivity>(services);

    public void RegisterActivity<TInput, TOutput>(string name, Func<WorkflowActivityContext, TInput, Task<TOutput>> implementation) =>
        _activities[name] = _ => new FunctionActivity<TInput, TOutput>(implementation);

    public bool TryCreateWorkflow(TaskIdentifier identifier, IServiceProvider serviceProvider, out IWorkflow? workflow, out Exception? activationException) =>
        TryCreate(_workflows, identifier.Name, serviceProvider, out workflow, out activationException);

    public bool TryCreateActivity(TaskIdentifier identifier, IServiceProvider serviceProvider, out IWorkflowActivity? activity, out Exception? activationException) =>
        TryCreate(_activities, identifier.Name, serviceProvider, out activity, out activationException);

    private static bool TryCreate<T>(Dictionary<string, Func<IServiceProvider, T>> registrations, string name, IServiceProvider services, out T? created, out Exception? activationException)
        where T : class
    {
        created = null;
        activationException = null;
        if (!registrations.TryGetValue(name, out var create))
        {
            return false;
        }

        try
        {
            created = create(services);
            return true;
        }
        catch (Exception ex)
        {
            activationException = ex;
            return false;
        }
    }

    // The delegate is the registration itself, not an injected dependency, as in the SDK's own function workflows.
#pragma warning disable DAPR1305
    private sealed class FunctionWorkflow<TInput, TOutput>(Func<WorkflowContext, TInput, Task<TOutput>> implementation) : Workflow<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(WorkflowContext context, TInput input) => implementation(context, input);
    }
#pragma warning restore DAPR1305

    private sealed class FunctionActivity<TInput, TOutput>(Func<WorkflowActivityContext, TInput, Task<TOutput>> implementation) : WorkflowActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(WorkflowActivityContext context, TInput input) => implementation(context, input);
    }
}
