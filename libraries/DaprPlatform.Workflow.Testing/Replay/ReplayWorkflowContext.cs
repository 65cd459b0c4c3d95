using System.Globalization;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Dapr.Workflow;
using Microsoft.Extensions.Logging;
using WorkflowRetryPolicy = Dapr.Workflow.WorkflowRetryPolicy;

namespace DaprPlatform.Workflow.Testing.Replay;

/// <summary>
/// Runs one workflow turn: replays <c>pastEvents</c>, applies <c>newEvents</c>, and collects the actions the code
/// took that history does not know yet. Every durable call gets the next sequence number as its action id; history
/// events carrying that id (TaskScheduled, TimerCreated, ChildWorkflowInstanceCreated, EventSent) must match the call,
/// otherwise the workflow is non-deterministic and fails. One instance serves exactly one turn.
/// </summary>
internal sealed class ReplayWorkflowContext : WorkflowContext
{
    private readonly Func<string, IWorkflow?> _resolveWorkflow;
    private readonly WorkflowSerializer _serializer;
    private readonly ILoggerFactory _loggerFactory;
    private readonly WorkflowSynchronizationContext _synchronizationContext = new();

    // Calls made by the code and not yet confirmed by history: these become the turn's new actions.
    private readonly SortedDictionary<int, WorkflowAction> _unconfirmedActions = [];
    private readonly Dictionary<int, TaskCompletionSource<HistoryEvent>> _awaitedResults = [];
    private readonly Dictionary<string, Queue<TaskCompletionSource<HistoryEvent>>> _eventWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<HistoryEvent> _unconsumedEvents = [];
    private readonly List<HistoryEvent> _eventsWhileSuspended = [];

    private string _instanceId = string.Empty;
    private string _name = string.Empty;
    private DateTime _currentUtcDateTime;
    private bool _isReplaying;
    private int _sequenceNumber;
    private int _guidCounter;
    private bool _suspended;
    private bool _terminated;
    private bool _failedNonDeterministically;
    private object? _customStatus;
    private bool _continueAsNew;
    private object? _continueAsNewInput;
    private bool _preserveUnprocessedEvents;
    private Task<object?>? _workflowTask;
    private WorkflowAction? _completion;

    public ReplayWorkflowContext(Func<string, IWorkflow?> resolveWorkflow, WorkflowSerializer serializer, ILoggerFactory loggerFactory)
    {
        _resolveWorkflow = resolveWorkflow;
        _serializer = serializer;
        _loggerFactory = loggerFactory;
    }

    public override string Name => _name;

    public override string InstanceId => _instanceId;

    public override DateTime CurrentUtcDateTime => _currentUtcDateTime;

    public override bool IsReplaying => _isReplaying;

    public WorkflowResponse Execute(WorkflowRequest request)
    {
        _instanceId = request.InstanceId;
        var previousContext = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_synchronizationContext);
        try
        {
            if (Apply(request.PastEvents, replaying: true))
            {
                Apply(request.NewEvents, replaying: false);
            }
        }
        catch (NonDeterministicWorkflowException ex)
        {
            _failedNonDeterministically = true;
            _completion = CreateCompletion(OrchestrationStatus.Failed, result: null, FailureDetailsConverter.FromException(ex));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previousContext);
        }

        return BuildResponse(request.InstanceId);
    }

    public override Task<T> CallActivityAsync<T>(string name, object? input = null, WorkflowTaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        // One id for the whole retry chain, so the activity can use it for idempotency.
        var taskExecutionId = DeterministicGuid.Create(
            DeterministicGuid.WorkflowNamespace,
            string.Create(CultureInfo.InvariantCulture, $"{_instanceId}|activity|{_sequenceNumber}|{name}")).ToString("N");

        if (options?.RetryPolicy is not { } retryPolicy)
        {
            return ScheduleActivityAsync<T>(name, input, taskExecutionId);
        }

        return WithRetriesAsync(
            retryPolicy,
            _ => ScheduleActivityAsync<T>(name, input, taskExecutionId),
            delay => StartTimer(CurrentUtcDateTime.Add(delay), action => action.ActivityRetry = new TimerOriginActivityRetry { TaskExecutionId = taskExecutionId }).Completion.Task);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken = default)
    {
        var (id, completion) = StartTimer(fireAt, action => action.CreateTimer = new TimerOriginCreateTimer());
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (_awaitedResults.Remove(id, out var awaited))
                {
                    awaited.TrySetCanceled(cancellationToken);
                }
            });
        }

        return completion.Task;
    }

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, CancellationToken cancellationToken = default) =>
        WaitForEventAsync<T>(eventName, timeout: null, cancellationToken);

    public override Task<T> WaitForExternalEventAsync<T>(string eventName, TimeSpan timeout) =>
        WaitForEventAsync<T>(eventName, timeout, CancellationToken.None);

    private async Task<T> WaitForEventAsync<T>(string eventName, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var buffered = _unconsumedEvents.FindIndex(e => string.Equals(e.EventRaised.Name, eventName, StringComparison.OrdinalIgnoreCase));
        if (buffered >= 0)
        {
            var raised = _unconsumedEvents[buffered];
            _unconsumedEvents.RemoveAt(buffered);
            return _serializer.Deserialize<T>(raised.EventRaised.Input)!;
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw new TaskCanceledException($"Timed out waiting for external event '{eventName}'.");
        }

        var waiter = new TaskCompletionSource<HistoryEvent>();
        if (!_eventWaiters.TryGetValue(eventName, out var waiters))
        {
            waiters = new Queue<TaskCompletionSource<HistoryEvent>>();
            _eventWaiters.Add(eventName, waiters);
        }

        waiters.Enqueue(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        }

        if (timeout is { } limit)
        {
            var (timerId, timer) = StartTimer(CurrentUtcDateTime.Add(limit), action => action.ExternalEvent = new TimerOriginExternalEvent { Name = eventName });
            var winner = await Task.WhenAny(waiter.Task, timer.Task);
            if (winner == timer.Task)
            {
                // The waiter stays queued but cancelled, so a late event is buffered for the next wait instead.
                waiter.TrySetCanceled();
                throw new TaskCanceledException($"Timed out after {limit} waiting for external event '{eventName}'.");
            }

            // The timer may still fire later; nothing awaits it any more.
            _awaitedResults.Remove(timerId);
        }

        var raisedEvent = await waiter.Task;
        return _serializer.Deserialize<T>(raisedEvent.EventRaised.Input)!;
    }

    public override Task<T> CallChildWorkflowAsync<T>(string name, object? input = null, ChildWorkflowTaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var firstInstanceId = options?.InstanceId ?? NewGuid().ToString();
        if (options?.RetryPolicy is not { } retryPolicy)
        {
            return ScheduleChildWorkflowAsync<T>(name, input, firstInstanceId);
        }

        return WithRetriesAsync(
            retryPolicy,
            attempt => attempt == 1
                ? ScheduleChildWorkflowAsync<T>(name, input, firstInstanceId)
                : ScheduleChildWorkflowAsync<T>(name, input, NewGuid().ToString()),
            delay => StartTimer(CurrentUtcDateTime.Add(delay), action => action.ChildWorkflowRetry = new TimerOriginChildWorkflowRetry { InstanceId = firstInstanceId }).Completion.Task);
    }

    public override void SendEvent(string instanceId, string eventName, object? payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        var id = _sequenceNumber++;
        _unconfirmedActions.Add(id, new WorkflowAction
        {
            Id = id,
            SendEvent = new SendEventAction
            {
                Instance = new WorkflowInstance { InstanceId = instanceId },
                Name = eventName,
                Data = _serializer.Serialize(payload),
            },
        });
    }

    public override void SetCustomStatus(object? customStatus) => _customStatus = customStatus;

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        _continueAsNew = true;
        _continueAsNewInput = newInput;
        _preserveUnprocessedEvents = preserveUnprocessedEvents;
    }

    public override Guid NewGuid() => DeterministicGuid.Create(
        DeterministicGuid.WorkflowNamespace,
        string.Create(CultureInfo.InvariantCulture, $"{_instanceId}_{_currentUtcDateTime:o}_{_guidCounter++}"));

    public override ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(_loggerFactory.CreateLogger(categoryName), () => _isReplaying);

    public override ILogger CreateReplaySafeLogger(System.Type type) =>
        new ReplaySafeLogger(_loggerFactory.CreateLogger(type), () => _isReplaying);

    public override ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T));

    // The host always runs the current code, so every patch counts as applied.
    public override bool IsPatched(string patchName) => true;

    // History propagation to child workflows and activities is a sidecar feature the host does not simulate.
    public override Dapr.Workflow.PropagatedHistory? GetPropagatedHistory() => null;

    private bool Apply(IEnumerable<HistoryEvent> events, bool replaying)
    {
        foreach (var historyEvent in events)
        {
            _isReplaying = replaying;
            if (!Apply(historyEvent))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Applies one event and lets the workflow run as far as it can; false once the turn is decided (terminated).</summary>
    private bool Apply(HistoryEvent historyEvent)
    {
        if (_terminated)
        {
            return false;
        }

        if (_suspended && historyEvent.EventTypeCase is not (HistoryEvent.EventTypeOneofCase.ExecutionResumed or HistoryEvent.EventTypeOneofCase.ExecutionTerminated))
        {
            _eventsWhileSuspended.Add(historyEvent);
            return true;
        }

        switch (historyEvent.EventTypeCase)
        {
            case HistoryEvent.EventTypeOneofCase.WorkflowStarted:
                _currentUtcDateTime = historyEvent.Timestamp.ToDateTime();
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionStarted:
                if (_currentUtcDateTime == default && historyEvent.Timestamp is { } startedAt)
                {
                    // Histories without a WorkflowStarted event still get a deterministic "now".
                    _currentUtcDateTime = startedAt.ToDateTime();
                }

                StartWorkflow(historyEvent.ExecutionStarted);
                break;
            case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                Confirm(historyEvent.EventId, WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask, historyEvent.TaskScheduled.Name);
                break;
            case HistoryEvent.EventTypeOneofCase.TimerCreated:
                Confirm(historyEvent.EventId, WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer, name: null);
                break;
            case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCreated:
                Confirm(historyEvent.EventId, WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow, historyEvent.ChildWorkflowInstanceCreated.Name);
                break;
            case HistoryEvent.EventTypeOneofCase.EventSent:
                Confirm(historyEvent.EventId, WorkflowAction.WorkflowActionTypeOneofCase.SendEvent, historyEvent.EventSent.Name);
                break;
            case HistoryEvent.EventTypeOneofCase.TaskCompleted:
                Resolve(historyEvent.TaskCompleted.TaskScheduledId, historyEvent);
                break;
            case HistoryEvent.EventTypeOneofCase.TaskFailed:
                Resolve(historyEvent.TaskFailed.TaskScheduledId, historyEvent);
                break;
            case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted:
                Resolve(historyEvent.ChildWorkflowInstanceCompleted.TaskScheduledId, historyEvent);
                break;
            case HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed:
                Resolve(historyEvent.ChildWorkflowInstanceFailed.TaskScheduledId, historyEvent);
                break;
            case HistoryEvent.EventTypeOneofCase.TimerFired:
                Resolve(historyEvent.TimerFired.TimerId, historyEvent);
                break;
            case HistoryEvent.EventTypeOneofCase.EventRaised:
                DeliverEvent(historyEvent);
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionSuspended:
                _suspended = true;
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionResumed:
                _suspended = false;
                var held = _eventsWhileSuspended.ToList();
                _eventsWhileSuspended.Clear();
                foreach (var heldEvent in held)
                {
                    if (!Apply(heldEvent))
                    {
                        return false;
                    }
                }

                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionTerminated:
                Terminate(historyEvent.ExecutionTerminated);
                return false;
            default:
                // ExecutionCompleted, WorkflowCompleted, ContinueAsNew, ExecutionStalled, ... carry nothing for the code.
                break;
        }

        _synchronizationContext.RunPending();
        CompleteIfWorkflowReturned();
        return true;
    }

    private void StartWorkflow(ExecutionStartedEvent started)
    {
        _name = started.Name;
        IWorkflow? workflow;
        try
        {
            workflow = _resolveWorkflow(started.Name);
        }
        catch (Exception ex)
        {
            // The workflow class could not be constructed (e.g. a missing service): the instance fails with that error.
            _workflowTask = Task.FromException<object?>(ex);
            return;
        }

        if (workflow is null)
        {
            _completion = CreateCompletion(OrchestrationStatus.Failed, null, new TaskFailureDetails
            {
                ErrorType = "WorkflowNotRegistered",
                ErrorMessage = $"No workflow named '{started.Name}' is registered with this worker.",
            });
            return;
        }

        try
        {
            var input = _serializer.Deserialize(started.Input, workflow.InputType);
            _workflowTask = workflow.RunAsync(this, input);
        }
        catch (Exception ex)
        {
            _workflowTask = Task.FromException<object?>(ex);
        }
    }

    private void Confirm(int actionId, WorkflowAction.WorkflowActionTypeOneofCase recordedKind, string? name)
    {
        var recorded = DescribeRecorded(recordedKind, name);
        if (!_unconfirmedActions.TryGetValue(actionId, out var action))
        {
            throw new NonDeterministicWorkflowException(
                $"Non-deterministic workflow '{_name}' (instance '{_instanceId}'): the history has {recorded} as call #{actionId}, " +
                "but the current workflow code made no such call at that point.");
        }

        var actionName = action.WorkflowActionTypeCase switch
        {
            WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask => action.ScheduleTask.Name,
            WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow => action.CreateChildWorkflow.Name,
            WorkflowAction.WorkflowActionTypeOneofCase.SendEvent => action.SendEvent.Name,
            _ => null,
        };

        if (action.WorkflowActionTypeCase != recordedKind || !string.Equals(actionName, name, StringComparison.OrdinalIgnoreCase))
        {
            throw new NonDeterministicWorkflowException(
                $"Non-deterministic workflow '{_name}' (instance '{_instanceId}'): the history has {recorded} as call #{actionId}, " +
                $"but the current workflow code made {DescribeRecorded(action.WorkflowActionTypeCase, actionName)} as call #{actionId}.");
        }

        _unconfirmedActions.Remove(actionId);
    }

    private static string DescribeRecorded(WorkflowAction.WorkflowActionTypeOneofCase kind, string? name) => kind switch
    {
        WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask => $"activity '{name}'",
        WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow => $"child workflow '{name}'",
        WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer => "a timer",
        WorkflowAction.WorkflowActionTypeOneofCase.SendEvent => $"event '{name}' sent",
        _ => kind.ToString(),
    };

    private void Resolve(int actionId, HistoryEvent result)
    {
        // A result nobody awaits any more (e.g. a wait's timeout timer after the event won) is ignored.
        if (_awaitedResults.Remove(actionId, out var awaited))
        {
            awaited.TrySetResult(result);
        }
    }

    private void DeliverEvent(HistoryEvent raised)
    {
        if (_eventWaiters.TryGetValue(raised.EventRaised.Name, out var waiters))
        {
            while (waiters.TryDequeue(out var waiter))
            {
                if (waiter.TrySetResult(raised))
                {
                    return;
                }
            }
        }

        _unconsumedEvents.Add(raised);
    }

    private void Terminate(ExecutionTerminatedEvent terminated)
    {
        _terminated = true;
        if (_completion is { CompleteWorkflow.WorkflowStatus: not OrchestrationStatus.ContinuedAsNew })
        {
            // A completion decided before the terminate arrived stands.
            return;
        }

        _completion = CreateCompletion(OrchestrationStatus.Terminated, terminated.Input, failureDetails: null);
    }

    private void CompleteIfWorkflowReturned()
    {
        if (_completion is not null || _workflowTask is not { IsCompleted: true } task)
        {
            return;
        }

        if (task.IsCompletedSuccessfully)
        {
            _completion = _continueAsNew
                ? CreateCompletion(OrchestrationStatus.ContinuedAsNew, _serializer.Serialize(_continueAsNewInput), null)
                : CreateCompletion(OrchestrationStatus.Completed, _serializer.Serialize(task.Result), null);
            return;
        }

        var exception = task.Exception?.InnerExceptions.Count == 1
            ? task.Exception.InnerException!
            : (Exception?)task.Exception ?? new TaskCanceledException("The workflow was cancelled.");
        _completion = CreateCompletion(OrchestrationStatus.Failed, null, FailureDetailsConverter.FromException(exception));
    }

    private WorkflowAction CreateCompletion(OrchestrationStatus status, string? result, TaskFailureDetails? failureDetails) => new()
    {
        Id = _sequenceNumber++,
        CompleteWorkflow = new CompleteWorkflowAction
        {
            WorkflowStatus = status,
            Result = result,
            FailureDetails = failureDetails,
        },
    };

    private WorkflowResponse BuildResponse(string instanceId)
    {
        var response = new WorkflowResponse { InstanceId = instanceId, CustomStatus = _serializer.Serialize(_customStatus) };

        if (_failedNonDeterministically || _terminated)
        {
            response.Actions.Add(_completion);
            return response;
        }

        if (_suspended)
        {
            // Calls made while suspended are withheld; the replay after resume makes them again.
            return response;
        }

        response.Actions.AddRange(_unconfirmedActions.Values);
        if (_completion is { } completion)
        {
            if (completion.CompleteWorkflow.WorkflowStatus == OrchestrationStatus.ContinuedAsNew && _preserveUnprocessedEvents)
            {
                completion.CompleteWorkflow.CarryoverEvents.AddRange(_unconsumedEvents);
            }

            response.Actions.Add(completion);
        }

        return response;
    }

    private async Task<T> ScheduleActivityAsync<T>(string name, object? input, string taskExecutionId)
    {
        var id = _sequenceNumber++;
        var result = AwaitResult(id);
        _unconfirmedActions.Add(id, new WorkflowAction
        {
            Id = id,
            ScheduleTask = new ScheduleTaskAction { Name = name, Input = _serializer.Serialize(input), TaskExecutionId = taskExecutionId },
        });

        var outcome = await result;
        if (outcome.EventTypeCase == HistoryEvent.EventTypeOneofCase.TaskFailed)
        {
            var details = FailureDetailsConverter.FromProto(outcome.TaskFailed.FailureDetails);
            throw new WorkflowTaskFailedException($"Activity '{name}' failed: {details.ErrorMessage}", details);
        }

        return _serializer.Deserialize<T>(outcome.TaskCompleted.Result)!;
    }

    private async Task<T> ScheduleChildWorkflowAsync<T>(string name, object? input, string instanceId)
    {
        var id = _sequenceNumber++;
        var result = AwaitResult(id);
        var action = new CreateChildWorkflowAction { InstanceId = instanceId, Name = name, Input = _serializer.Serialize(input) };
        _unconfirmedActions.Add(id, new WorkflowAction { Id = id, CreateChildWorkflow = action });

        var outcome = await result;
        if (outcome.EventTypeCase == HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed)
        {
            var details = FailureDetailsConverter.FromProto(outcome.ChildWorkflowInstanceFailed.FailureDetails);
            throw new WorkflowTaskFailedException($"Child workflow '{name}' ({instanceId}) failed: {details.ErrorMessage}", details);
        }

        return _serializer.Deserialize<T>(outcome.ChildWorkflowInstanceCompleted.Result)!;
    }

    private (int Id, TaskCompletionSource<HistoryEvent> Completion) StartTimer(DateTime fireAt, Action<CreateTimerAction> setOrigin)
    {
        var utc = fireAt.Kind switch
        {
            DateTimeKind.Utc => fireAt,
            DateTimeKind.Local => fireAt.ToUniversalTime(),
            _ => DateTime.SpecifyKind(fireAt, DateTimeKind.Utc),
        };

        var id = _sequenceNumber++;
        var completion = new TaskCompletionSource<HistoryEvent>();
        _awaitedResults.Add(id, completion);
        var action = new CreateTimerAction { FireAt = Timestamp.FromDateTime(utc) };
        setOrigin(action);
        _unconfirmedActions.Add(id, new WorkflowAction { Id = id, CreateTimer = action });
        return (id, completion);
    }

    private Task<HistoryEvent> AwaitResult(int id)
    {
        var completion = new TaskCompletionSource<HistoryEvent>();
        _awaitedResults.Add(id, completion);
        return completion.Task;
    }

    private async Task<T> WithRetriesAsync<T>(WorkflowRetryPolicy policy, Func<int, Task<T>> attempt, Func<TimeSpan, Task> waitBeforeRetry)
    {
        var firstAttemptAt = CurrentUtcDateTime;
        for (var attemptNumber = 1; ; attemptNumber++)
        {
            try
            {
                return await attempt(attemptNumber);
            }
            catch (WorkflowTaskFailedException) when (
                attemptNumber < policy.MaxNumberOfAttempts
                && (policy.RetryTimeout == Timeout.InfiniteTimeSpan || CurrentUtcDateTime < firstAttemptAt + policy.RetryTimeout))
            {
                // Retry below, after a durable timer.
            }

            await waitBeforeRetry(RetryDelay(policy, attemptNumber));
        }
    }

    // The delay before attempt n + 1, as Dapr.Workflow computes it: first interval × coefficient^(n-1), capped.
    private static TimeSpan RetryDelay(WorkflowRetryPolicy policy, int attemptNumber)
    {
        var delay = policy.FirstRetryInterval * Math.Pow(policy.BackoffCoefficient, attemptNumber - 1);
        return policy.MaxRetryInterval is { } max && delay > max ? max : delay;
    }
}
