using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;
using Dapr.Workflow.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Workflow.Testing.Replay;

/// <summary>Executes the host's work items against the registered workflows and activities.</summary>
internal sealed class WorkflowExecutor(WorkflowRegistry registry, WorkflowSerializer serializer, IServiceProvider services, ILoggerFactory loggerFactory)
{
    public WorkflowSerializer Serializer { get; } = serializer;

    /// <summary>Replays the history of <paramref name="request"/> and returns the turn's new actions.</summary>
    public WorkflowResponse ExecuteWorkflow(WorkflowRequest request)
    {
        var context = new ReplayWorkflowContext(
            name => registry.TryCreateWorkflow(new TaskIdentifier(name), services, out var workflow, out var error)
                ? workflow
                : error is null ? null : throw error,
            Serializer,
            loggerFactory);
        return context.Execute(request);
    }

    /// <summary>Runs one activity in its own DI scope; failures become failure details, never exceptions.</summary>
    public async Task<ActivityResponse> ExecuteActivityAsync(ActivityRequest request, CancellationToken cancellationToken)
    {
        var instanceId = request.WorkflowInstance?.InstanceId ?? string.Empty;
        var response = new ActivityResponse { InstanceId = instanceId, TaskId = request.TaskId };

        try
        {
            await using var scope = services.CreateAsyncScope();
            if (!registry.TryCreateActivity(new TaskIdentifier(request.Name), scope.ServiceProvider, out var activity, out var error))
            {
                response.FailureDetails = error is null
                    ? new TaskFailureDetails
                    {
                        ErrorType = "ActivityNotRegistered",
                        ErrorMessage = $"No activity named '{request.Name}' is registered with this worker.",
                    }
                    : FailureDetailsConverter.FromException(error);
                return response;
            }

            var input = Serializer.Deserialize(request.Input, activity!.InputType);
            var context = new ActivityContext(request.Name, instanceId, request.TaskId, request.TaskExecutionId, cancellationToken);
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
