namespace DaprPlatform.Dapr.Workflow;

/// <summary>Why an activity, child workflow or workflow failed, as recorded in the workflow history.</summary>
public sealed record WorkflowTaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    WorkflowTaskFailureDetails? InnerFailure = null,
    bool IsNonRetriable = false)
{
    /// <summary>True when the failure was caused by <typeparamref name="TException"/> or a type derived from it.</summary>
    public bool IsCausedBy<TException>()
        where TException : Exception
    {
        if (string.Equals(ErrorType, typeof(TException).FullName, StringComparison.Ordinal))
        {
            return true;
        }

        var failedType = Type.GetType(ErrorType, throwOnError: false)
            ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(ErrorType, throwOnError: false)).FirstOrDefault(t => t is not null);
        return failedType is not null && typeof(TException).IsAssignableFrom(failedType);
    }

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}
