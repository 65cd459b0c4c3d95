using DaprPlatform.DurableTask.Protocol;

namespace DaprPlatform.Dapr.Workflow.Execution;

/// <summary>Maps exceptions and protocol failure details to the SDK's <see cref="WorkflowTaskFailureDetails"/>.</summary>
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
            details.InnerFailure = ToProto(taskFailed.FailureDetails);
        }
        else if (exception.InnerException is { } inner)
        {
            details.InnerFailure = FromException(inner);
        }

        return details;
    }

    public static TaskFailureDetails ToProto(WorkflowTaskFailureDetails details) => new()
    {
        ErrorType = details.ErrorType,
        ErrorMessage = details.ErrorMessage,
        StackTrace = details.StackTrace,
        InnerFailure = details.InnerFailure is { } inner ? ToProto(inner) : null,
        IsNonRetriable = details.IsNonRetriable,
    };

    public static WorkflowTaskFailureDetails FromProto(TaskFailureDetails? details) => details is null
        ? new WorkflowTaskFailureDetails("Unknown", "The failure carried no details.")
        : new WorkflowTaskFailureDetails(
            details.ErrorType,
            details.ErrorMessage,
            details.StackTrace,
            details.InnerFailure is { } inner ? FromProto(inner) : null,
            details.IsNonRetriable);
}
