using Microsoft.Extensions.Logging;

namespace DaprPlatform.Dapr.Workflow.Worker;

internal static partial class WorkflowWorkerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Connected to the Dapr workflow work-item stream at {Endpoint}")]
    public static partial void Connected(ILogger logger, Uri endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Cannot reach the Dapr workflow API at {Endpoint} ({Reason}); retrying in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, Uri endpoint, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "The Dapr sidecar closed the work-item stream; reconnecting in {Delay}")]
    public static partial void StreamEnded(ILogger logger, TimeSpan delay);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Could not report the result of workflow {InstanceId} to the sidecar; it will be redelivered")]
    public static partial void WorkflowResultNotDelivered(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Could not report the result of activity {ActivityName} (workflow {InstanceId}) to the sidecar; it will be redelivered")]
    public static partial void ActivityResultNotDelivered(ILogger logger, string activityName, string instanceId, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Workflow {InstanceId} failed unexpectedly inside the executor")]
    public static partial void WorkflowExecutionCrashed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Ignoring a work item of unknown kind {Kind}")]
    public static partial void UnknownWorkItem(ILogger logger, string kind);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Keepalive Hello to the sidecar failed")]
    public static partial void KeepaliveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "The sidecar does not implement CompleteWorkflowTask; using CompleteOrchestratorTask")]
    public static partial void FallingBackToCompleteOrchestratorTask(ILogger logger);
}
