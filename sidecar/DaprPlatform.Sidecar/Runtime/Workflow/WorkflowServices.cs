using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

public static class WorkflowServices
{
    /// <summary>Registers the workflow engine; it resumes unfinished workflows when the host starts.</summary>
    public static IServiceCollection AddWorkflowEngine(this IServiceCollection services)
    {
        services.TryAddSingleton<WorkflowEngineOptions>();
        services.AddSingleton<WorkflowEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkflowEngine>());
        return services;
    }
}
