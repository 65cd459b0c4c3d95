using DaprPlatform.DurableTask.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Dapr.Workflow.Execution;

/// <summary>
/// Executes work items against the registered workflows and activities. Shared by the gRPC worker and the
/// in-process test host, so both run workflow code the same way.
/// </summary>
internal sealed class WorkflowExecutor(DaprWorkflowOptions options, IServiceProvider services, ILoggerFactory loggerFactory)
{
    public WorkflowSerializer Serializer { get; } = new(options.JsonSerializerOptions);

    /// <summary>Replays the history of <paramref name="request"/> and returns the turn's new actions.</summary>
    public WorkflowResponse ExecuteWorkflow(WorkflowRequest request)
    {
        var context = new ReplayWorkflowContext(
            name => options.Workflows.TryGetValue(name, out var create) ? create(services) : null,
            Serializer,
            loggerFactory);
        return context.Execute(request);
    }

    /// <summary>Runs one activity in its own DI scope; failures become failure details, never exceptions.</summary>
    public async Task<ActivityResponse> ExecuteActivityAsync(ActivityRequest request, CancellationToken cancellationToken)
    {
        var instanceId = request.WorkflowInstance?.InstanceId ?? string.Empty;
        var response = new ActivityResponse { InstanceId = instanceId, TaskId = request.TaskId };

        if (!options.Activities.TryGetValue(request.Name, out var create))
        {
            response.FailureDetails = new TaskFailureDetails
            {
                ErrorType = "ActivityNotRegistered",
                ErrorMessage = $"No activity named '{request.Name}' is registered with this worker.",
            };
            return response;
        }

        try
        {
            await using var scope = services.CreateAsyncScope();
            var activity = create(scope.ServiceProvider);
            var input = Serializer.Deserialize(request.Input, activity.InputType);
            var context = new WorkflowActivityContext(request.Name, instanceId, request.TaskId, request.TaskExecutionId, cancellationToken);
            var output = await activity.RunAsync(context, input);
            response.Result = Serializer.Serialize(output);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            response.FailureDetails = FailureDetailsConverter.FromException(ex);
        }

        return response;
    }
}
