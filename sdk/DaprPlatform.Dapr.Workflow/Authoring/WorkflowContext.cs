using Microsoft.Extensions.Logging;

namespace DaprPlatform.Dapr.Workflow;

/// <summary>
/// The durable operations a workflow can perform. Every call is recorded in the workflow history and replayed;
/// calls are matched to history by their order, so the workflow must make them in the same order on every replay.
/// </summary>
public abstract class WorkflowContext
{
    /// <summary>The registered name of the running workflow.</summary>
    public abstract string Name { get; }

    public abstract string InstanceId { get; }

    /// <summary>Deterministic "now": the time the current turn started (replays see the recorded time).</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code is re-running from history; side effects such as logging should be skipped.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>Schedules an activity and returns its JSON-deserialized result.</summary>
    /// <exception cref="WorkflowTaskFailedException">The activity failed (after all retries of <paramref name="options"/>).</exception>
    public abstract Task<T> CallActivityAsync<T>(string name, object? input = null, WorkflowTaskOptions? options = null);

    /// <summary>Schedules an activity whose result is not needed.</summary>
    public Task CallActivityAsync(string name, object? input = null, WorkflowTaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>A durable timer that completes at <paramref name="fireAt"/> (UTC).</summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken = default);

    /// <summary>A durable timer that completes after <paramref name="delay"/> of workflow time.</summary>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken = default) =>
        CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>
    /// Waits for an event raised to this instance (names are case-insensitive; events raised before the wait are
    /// buffered and delivered first-in first-out per name).
    /// </summary>
    /// <param name="timeout">Null waits forever; otherwise a durable timer races the event.</param>
    /// <exception cref="TaskCanceledException">The timeout elapsed before the event arrived.</exception>
    public abstract Task<T> WaitForExternalEventAsync<T>(string eventName, TimeSpan? timeout = null);

    /// <summary>Starts a child workflow and returns its JSON-deserialized output.</summary>
    /// <exception cref="WorkflowTaskFailedException">The child workflow failed (after all retries).</exception>
    public abstract Task<T> CallChildWorkflowAsync<T>(string name, object? input = null, ChildWorkflowTaskOptions? options = null);

    /// <summary>Starts a child workflow whose output is not needed.</summary>
    public Task CallChildWorkflowAsync(string name, object? input = null, ChildWorkflowTaskOptions? options = null) =>
        CallChildWorkflowAsync<object?>(name, input, options);

    /// <summary>Raises an event on another workflow instance (fire and forget, recorded in history).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    /// <summary>Publishes a JSON-serialized status readable by clients while the workflow runs.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>
    /// Restarts the workflow with a fresh history and <paramref name="newInput"/> once the current run returns.
    /// With <paramref name="preserveUnprocessedEvents"/>, events raised but not yet consumed are carried over.
    /// </summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A GUID that is the same on every replay (name-based UUID v5).</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that stays silent while the workflow replays, so each message is logged once.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);
}
