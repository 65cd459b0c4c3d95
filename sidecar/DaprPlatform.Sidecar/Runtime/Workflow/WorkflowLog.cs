using DaprPlatform.DurableTask.Protocol;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>The workflow engine's log messages (logger category dapr.runtime.workflow via WorkflowEngine).</summary>
internal sealed partial class WorkflowLog(ILogger logger)
{
    public void WorkflowCreated(string instanceId, string name) => LogWorkflowCreated(logger, instanceId, name);

    public void WorkflowCompleted(string instanceId, string name, OrchestrationStatus status) => LogWorkflowCompleted(logger, instanceId, name, status);

    public void WorkflowPurged(string instanceId) => LogWorkflowPurged(logger, instanceId);

    public void StaleTurnResponse(string instanceId) => LogStaleTurnResponse(logger, instanceId);

    public void StaleActivityResponse(string instanceId, int taskId) => LogStaleActivityResponse(logger, instanceId, taskId);

    public void TurnCommitFailed(string instanceId, Exception e) => LogTurnCommitFailed(logger, instanceId, e);

    public void TimerCommitFailed(string instanceId, int timerId, Exception e) => LogTimerCommitFailed(logger, instanceId, timerId, e);

    public void ControlCommitFailed(string instanceId, Exception e) => LogControlCommitFailed(logger, instanceId, e);

    public void WorkerConnected(string streamId, int workers) => LogWorkerConnected(logger, streamId, workers);

    public void WorkerDisconnected(string streamId, int workers) => LogWorkerDisconnected(logger, streamId, workers);

    public void IndexLoadFailed(Exception e) => LogIndexLoadFailed(logger, e);

    public void ResumingInstances(int count) => LogResumingInstances(logger, count);

    public void ResumeFailed(string instanceId, Exception e) => LogResumeFailed(logger, instanceId, e);

    public void MessageTargetMissing(string from, string to, string kind) => LogMessageTargetMissing(logger, from, to, kind);

    public void MessageRejected(string from, string to, string reason) => LogMessageRejected(logger, from, to, reason);

    public void MessageDeliveryFailed(string from, string to, int attempt, Exception e) => LogMessageDeliveryFailed(logger, from, to, attempt, e);

    public void BackgroundStepFailed(string instanceId, Exception e) => LogBackgroundStepFailed(logger, instanceId, e);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Workflow {InstanceId} ('{Name}') created")]
    private static partial void LogWorkflowCreated(ILogger logger, string instanceId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {InstanceId} ('{Name}') completed with status {Status}")]
    private static partial void LogWorkflowCompleted(ILogger logger, string instanceId, string name, OrchestrationStatus status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Workflow {InstanceId} purged")]
    private static partial void LogWorkflowPurged(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {InstanceId}: discarding a turn answer the engine is not waiting for (stale completion token or no turn in flight)")]
    private static partial void LogStaleTurnResponse(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {InstanceId}: discarding the result of activity task {TaskId}, which the engine is not waiting for")]
    private static partial void LogStaleActivityResponse(ILogger logger, string instanceId, int taskId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {InstanceId}: saving the turn failed; the turn runs again")]
    private static partial void LogTurnCommitFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {InstanceId}: saving timer {TimerId} as fired failed; retrying")]
    private static partial void LogTimerCommitFailed(ILogger logger, string instanceId, int timerId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {InstanceId}: saving a suspend/resume failed; retrying")]
    private static partial void LogControlCommitFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow work item stream {StreamId} connected ({Workers} connected)")]
    private static partial void LogWorkerConnected(ILogger logger, string streamId, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow work item stream {StreamId} closed ({Workers} connected)")]
    private static partial void LogWorkerDisconnected(ILogger logger, string streamId, int workers);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the index of unfinished workflows failed; retrying")]
    private static partial void LogIndexLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} unfinished workflow(s)")]
    private static partial void LogResumingInstances(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {InstanceId} could not be resumed")]
    private static partial void LogResumeFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {From}: dropping {Kind} for workflow {To}, which does not exist")]
    private static partial void LogMessageTargetMissing(ILogger logger, string from, string to, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {From}: workflow {To} refused a message: {Reason}")]
    private static partial void LogMessageRejected(ILogger logger, string from, string to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {From}: delivering to workflow {To} failed (attempt {Attempt})")]
    private static partial void LogMessageDeliveryFailed(ILogger logger, string from, string to, int attempt, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow {InstanceId}: a timer or retry step failed")]
    private static partial void LogBackgroundStepFailed(ILogger logger, string instanceId, Exception exception);
}
