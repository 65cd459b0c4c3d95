using DaprPlatform.Dapr.Workflow;
using DaprPlatform.Dapr.Workflow.Execution;
using DaprPlatform.Dapr.Workflow.Worker;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class DaprWorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers workflows and activities, the background worker that executes them for the sidecar, and
    /// <see cref="DaprWorkflowClient"/>. Options start from the environment (<c>DAPR_GRPC_ENDPOINT</c>,
    /// <c>DAPR_GRPC_PORT</c>, <c>DAPR_API_TOKEN</c>); <paramref name="configure"/> runs after that.
    /// </summary>
    public static IServiceCollection AddDaprWorkflow(this IServiceCollection services, Action<DaprWorkflowOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddDaprWorkflowClient(configure);
        services.TryAddSingleton(static provider => new WorkflowExecutor(
            provider.GetRequiredService<IOptions<DaprWorkflowOptions>>().Value,
            provider,
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddHostedService(static provider => new WorkflowWorker(
            provider.GetRequiredService<WorkflowSidecarChannel>(),
            provider.GetRequiredService<WorkflowExecutor>(),
            provider.GetRequiredService<IOptions<DaprWorkflowOptions>>().Value,
            provider.GetService<ILogger<WorkflowWorker>>() ?? NullLogger<WorkflowWorker>.Instance));
        return services;
    }

    /// <summary>Registers only <see cref="DaprWorkflowClient"/>, for apps that start and query workflows hosted elsewhere.</summary>
    public static IServiceCollection AddDaprWorkflowClient(this IServiceCollection services, Action<DaprWorkflowOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DaprWorkflowOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(static provider => new WorkflowSidecarChannel(provider.GetRequiredService<IOptions<DaprWorkflowOptions>>().Value));
        services.TryAddSingleton(static provider => new DaprWorkflowClient(
            provider.GetRequiredService<WorkflowSidecarChannel>().Channel,
            provider.GetRequiredService<IOptions<DaprWorkflowOptions>>().Value.JsonSerializerOptions));
        return services;
    }
}
