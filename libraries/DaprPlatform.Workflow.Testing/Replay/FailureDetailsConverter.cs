using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;

namespace DaprPlatform.Workflow.Testing.Replay;

/// <summary>Maps exceptions and protocol failure details to Dapr.Workflow's <see cref="WorkflowTaskFailureDetails"/>.</summary>
internal static class FailureDetailsConverter
{
    public static TaskFailureDetails FromException(Exception exception)
    {
        var details = new TaskFailureDetails
        {
            ErrorType = exception.GetType().FullName ?? exception.GetType().Name,
            ErrorMessage = exception.Message,
            StackTrace = exception.StackTrace,
        };

        // A failed activity/child is the most useful "cause" of a workflow that let the failure escape.
        if (exception is WorkflowTaskFailedException taskFailed)
        {
            details.InnerFailure = new TaskFailureDetails
            {
                ErrorType = taskFailed.FailureDetails.ErrorType,
                ErrorMessage = taskFailed.FailureDetails.ErrorMessage,
                StackTrace = taskFailed.FailureDetails.StackTrace,
            };
        }
        else if (exception.InnerException is { } inner)
        {
            details.InnerFailure = FromException(inner);
        }

        return details;
    }

    public static WorkflowTaskFailureDetails FromProto(TaskFailureDetails? details) => details is null
        ? new WorkflowTaskFailureDetails("Unknown", "The failure carried no details.", null)
        : new WorkflowTaskFailureDetails(details.ErrorType, details.ErrorMessage, details.StackTrace);
}
