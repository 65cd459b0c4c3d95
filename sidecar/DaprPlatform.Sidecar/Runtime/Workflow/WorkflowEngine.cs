using System.Collections.Concurrent;
using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// The built-in workflow engine (daprd's durabletask backend): instances, their state in the actor state store, the
/// worker streams, durable timers, and the resumption of unfinished instances after a restart. The gRPC
/// TaskHubSidecarService and the HTTP workflow API are thin layers over it.
/// </summary>
public sealed class WorkflowEngine : BackgroundService
{
    private readonly ConcurrentDictionary<string, WorkflowInstanceActor> _instances = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _indexLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SidecarOptions _sidecar;
    private readonly StartupComponents _components;
    private readonly IResiliencyProvider _resiliency;
    private readonly CancellationTokenSource _stopping = new();
    private WorkflowStateStore? _store;
    private string? _unavailable;
    private int _resolved;

    public WorkflowEngine(
        SidecarOptions sidecar,
        StartupComponents components,
        RuntimeMetadata runtime,
        IResiliencyProvider resiliency,
        TimeProvider time,
        WorkflowEngineOptions options,
        IHostApplicationLifetime lifetime,
        ILogger<WorkflowEngine> logger)
    {
        _sidecar = sidecar;
        _components = components;
        _resiliency = resiliency;
        Time = time;
        Options = options;
        Log = new WorkflowLog(logger);
        Dispatcher = new WorkItemDispatcher(options);
        Applier = new WorkflowTurnApplier(sidecar.AppId, sidecar.Namespace, time);
        runtime.ConnectedWorkflowWorkers = () => Dispatcher.ConnectedWorkers;

        // Long polls and worker streams end as soon as shutdown begins; the web server waits for open requests
        // before hosted services are stopped, so waiting for StopAsync would hold shutdown up.
        lifetime.ApplicationStopping.Register(Shutdown);
    }

    public WorkItemDispatcher Dispatcher { get; }

    public WorkflowEngineOptions Options { get; }

    internal TimeProvider Time { get; }

    internal WorkflowLog Log { get; }

    internal WorkflowTurnApplier Applier { get; }

    internal WorkflowIndex Index { get; } = new();

    internal WorkflowStateStore Store => _store ?? throw new WorkflowUnavailableException(_unavailable ?? WorkflowUnavailableException.ActorRuntimeNotFound);

    /// <summary>Cancelled when the sidecar stops, so long polls and worker streams end.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Throws <see cref="WorkflowUnavailableException"/> when there is no usable actor state store.</summary>
    public void EnsureAvailable()
    {
        Resolve();
        _ = Store;
    }

    /// <summary>Creates an instance (or re-creates a finished one) and queues its first turn.</summary>
    public async Task<string> StartAsync(string instanceId, string name, string? input, string? executionId, Timestamp? scheduledStart, string? version, IDictionary<string, string>? tags, TraceContext? parentTraceContext, CancellationToken cancellationToken)
    {
        var start = HistoryEvents.ExecutionStarted(Time, instanceId, name, input, string.IsNullOrEmpty(executionId) ? Guid.NewGuid().ToString() : executionId);
        start.ExecutionStarted.ScheduledStartTimestamp = scheduledStart;
        start.ExecutionStarted.Version = version;
        start.ExecutionStarted.ParentTraceContext = parentTraceContext;
        if (tags is not null)
        {
            start.ExecutionStarted.Tags.Add(tags);
        }

        await WithInstanceAsync(instanceId, i => i.CreateAsync(start), cancellationToken);
        Log.WorkflowCreated(instanceId, name);
        return instanceId;
    }

    public Task<WorkflowSnapshot?> GetAsync(string instanceId, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, i => Task.FromResult(i.Snapshot()), cancellationToken);

    /// <summary>Long-polls until <paramref name="condition"/> holds or the instance finishes; waits for unknown instances to appear.</summary>
    public async Task<WorkflowSnapshot> WaitAsync(string instanceId, Func<WorkflowSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        var wait = await WithInstanceAsync(instanceId, i => Task.FromResult(i.WaitFor(condition)), cancellationToken);
        if (wait.IsCompleted)
        {
            return await wait;
        }

        try
        {
            return await wait.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Drop the abandoned waiter so an unknown id does not keep its instance in memory.
            _ = WithInstanceAsync(instanceId, i =>
            {
                i.PruneWaiters();
                return Task.FromResult(true);
            }, CancellationToken.None);
            throw;
        }
    }

    public Task RaiseEventAsync(string instanceId, string name, string? input, CancellationToken cancellationToken) =>
        AddEventAsync(instanceId, HistoryEvents.EventRaised(HistoryEvents.Now(Time), name, input), cancellationToken);

    public Task TerminateAsync(string instanceId, string? output, bool recursive, CancellationToken cancellationToken) =>
        AddEventAsync(instanceId, HistoryEvents.ExecutionTerminated(Time, output, recursive), cancellationToken);

    public Task SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        AddEventAsync(instanceId, HistoryEvents.ExecutionSuspended(Time, reason), cancellationToken);

    public Task ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        AddEventAsync(instanceId, HistoryEvents.ExecutionResumed(Time, reason), cancellationToken);

    /// <summary>
    /// Deletes a terminal instance (any instance with <paramref name="force"/>) and, when recursive, its children
    /// first, as durabletask-go does; children purged elsewhere already are skipped. Returns how many were deleted.
    /// </summary>
    public async Task<int> PurgeAsync(string instanceId, bool recursive, bool force, CancellationToken cancellationToken)
    {
        var children = await WithInstanceAsync(instanceId, i => Task.FromResult(i.EnsurePurgeable(force)), cancellationToken);
        var deleted = 0;
        if (recursive)
        {
            foreach (var child in children)
            {
                try
                {
                    deleted += await PurgeAsync(child, recursive, force, cancellationToken);
                }
                catch (WorkflowNotFoundException)
                {
                }
            }
        }

        await WithInstanceAsync(instanceId, async i =>
        {
            await i.PurgeAsync(force);
            return true;
        }, cancellationToken);
        return deleted + 1;
    }

    /// <summary>Forks a finished instance at one of its history events into a new instance, which runs from there.</summary>
    public async Task<string> RerunAsync(string sourceInstanceId, int eventId, string? newInstanceId, bool overwriteInput, string? input, string? newChildInstanceId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(sourceInstanceId))
        {
            throw new WorkflowRerunException(StatusCode.InvalidArgument, "rerun workflow source instance ID is required");
        }

        var targetId = string.IsNullOrEmpty(newInstanceId) ? Guid.NewGuid().ToString() : newInstanceId;
        if (targetId == sourceInstanceId)
        {
            throw new WorkflowRerunException(StatusCode.InvalidArgument, "rerun workflow instance ID must be different from the original instance ID");
        }

        var history = await WithInstanceAsync(
            sourceInstanceId, i => Task.FromResult(i.ForkForRerun(eventId, targetId, overwriteInput, input, newChildInstanceId)), cancellationToken);
        await WithInstanceAsync(targetId, i => i.CreateRerunAsync(history), cancellationToken);
        // The history starts with the turn's WorkflowStarted event; the workflow's name is in ExecutionStarted.
        Log.WorkflowCreated(targetId, history.FirstOrDefault(e => e.ExecutionStarted is not null)?.ExecutionStarted.Name ?? "");
        return targetId;
    }

    public Task<(IReadOnlyList<string> InstanceIds, string? ContinuationToken)> ListInstanceIdsAsync(string? continuationToken, uint? pageSize, CancellationToken cancellationToken)
    {
        EnsureAvailable();
        return Store.ListInstanceIdsAsync(continuationToken, pageSize, cancellationToken);
    }

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, i => Task.FromResult(i.History()), cancellationToken);

    /// <summary>A worker's answer to a turn; answers to turns the engine no longer waits on are ignored.</summary>
    public Task CompleteWorkflowTaskAsync(WorkflowResponse response, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(response.InstanceId)
            ? Task.CompletedTask
            : WithInstanceAsync(response.InstanceId, async i =>
            {
                if (i.Exists)
                {
                    await i.CompleteTurnAsync(response);
                }

                return true;
            }, cancellationToken);

    /// <summary>A worker's activity result; results for activities the engine no longer waits on are ignored.</summary>
    public Task CompleteActivityTaskAsync(ActivityResponse response, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(response.InstanceId)
            ? Task.CompletedTask
            : WithInstanceAsync(response.InstanceId, async i =>
            {
                if (i.Exists)
                {
                    await i.CompleteActivityAsync(response);
                }

                return true;
            }, cancellationToken);

    public WorkerStream ConnectWorker()
    {
        var stream = Dispatcher.Connect();
        Log.WorkerConnected(stream.Id, Dispatcher.ConnectedWorkers);
        return stream;
    }

    public void DisconnectWorker(WorkerStream stream)
    {
        Dispatcher.Disconnect(stream);
        Log.WorkerDisconnected(stream.Id, Dispatcher.ConnectedWorkers);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Shutdown();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    /// <summary>Loads the index of unfinished instances and resumes each of them.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Resolve();
        if (_store is null)
        {
            _indexLoaded.TrySetResult();
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var (shard, ids) in await _store.ReadIndexAsync(WorkflowIndex.ShardCount, stoppingToken))
                {
                    Index.Load(shard, ids);
                }

                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.IndexLoadFailed(e);
                await Task.Delay(Options.RetryDelay, Time, stoppingToken);
            }
        }

        _indexLoaded.TrySetResult();
        var pending = Index.All();
        if (pending.Count == 0)
        {
            return;
        }

        Log.ResumingInstances(pending.Count);
        await Parallel.ForEachAsync(
            pending,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Options.RecoveryParallelism), CancellationToken = stoppingToken },
            async (instanceId, ct) =>
            {
                try
                {
                    await WithInstanceAsync(instanceId, i => Task.FromResult(true), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.ResumeFailed(instanceId, e);
                }
            });
    }

    /// <summary>Sends a message to another instance after the sender's step is committed; retried while the store fails.</summary>
    internal void Deliver(WorkflowMessage message, string fromInstanceId) => _ = DeliverAsync(message, fromInstanceId);

    /// <summary>Makes sure a child recorded in its parent's history exists, or reports its result again if it finished.</summary>
    internal void EnsureChild(string childId, HistoryEvent childStart) => _ = EnsureChildAsync(childId, childStart);

    internal void OnTimerDue(string instanceId, int timerId, Timestamp fireAt, string? executionId) =>
        _ = RunDetachedAsync(instanceId, i => i.FireTimerAsync(timerId, fireAt, executionId));

    internal void OnWake(string instanceId) => _ = RunDetachedAsync(instanceId, i => i.WakeAsync());

    /// <summary>Runs <paramref name="action"/> on the loaded instance under its lock (loading it first).</summary>
    internal async Task<T> WithInstanceAsync<T>(string instanceId, Func<WorkflowInstanceActor, Task<T>> action, CancellationToken cancellationToken)
    {
        EnsureAvailable();
        await _indexLoaded.Task.WaitAsync(cancellationToken);
        while (true)
        {
            var instance = _instances.GetOrAdd(instanceId, static (id, engine) => new WorkflowInstanceActor(engine, id), this);
            await instance.Gate.WaitAsync(cancellationToken);
            try
            {
                if (instance.Evicted)
                {
                    continue;
                }

                await instance.EnsureLoadedAsync(cancellationToken);
                var result = await action(instance);
                if (instance.TryEvict())
                {
                    _instances.TryRemove(new KeyValuePair<string, WorkflowInstanceActor>(instanceId, instance));
                }

                return result;
            }
            finally
            {
                instance.Gate.Release();
            }
        }
    }

    private Task WithInstanceAsync(string instanceId, Func<WorkflowInstanceActor, Task> action, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, async i =>
        {
            await action(i);
            return true;
        }, cancellationToken);

    private Task AddEventAsync(string instanceId, HistoryEvent e, CancellationToken cancellationToken) =>
        WithInstanceAsync(instanceId, i => i.AddEventAsync(e), cancellationToken);

    private async Task DeliverAsync(WorkflowMessage message, string fromInstanceId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (message.Event.ExecutionStarted is not null)
                {
                    await WithInstanceAsync(message.TargetInstanceId, i => i.CreateAsync(message.Event), _stopping.Token);
                }
                else
                {
                    await WithInstanceAsync(message.TargetInstanceId, i => i.AddEventAsync(message.Event, message.TargetExecutionId), _stopping.Token);
                }

                return;
            }
            catch (WorkflowNotFoundException)
            {
                Log.MessageTargetMissing(fromInstanceId, message.TargetInstanceId, message.Event.EventTypeCase.ToString());
                return;
            }
            catch (WorkflowAlreadyExistsException e)
            {
                Log.MessageRejected(fromInstanceId, message.TargetInstanceId, e.Message);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (attempt < 30)
            {
                Log.MessageDeliveryFailed(fromInstanceId, message.TargetInstanceId, attempt, e);
                await Task.Delay(Options.RetryDelay, Time, CancellationToken.None);
            }
            catch (Exception e)
            {
                Log.MessageDeliveryFailed(fromInstanceId, message.TargetInstanceId, attempt, e);
                return;
            }
        }
    }

    private async Task EnsureChildAsync(string childId, HistoryEvent childStart)
    {
        try
        {
            var parent = childStart.ExecutionStarted.ParentInstance;
            var report = await WithInstanceAsync(childId, async child =>
            {
                if (!child.Exists)
                {
                    await child.CreateAsync(childStart);
                    return null;
                }

                var state = child.LoadedState;
                var start = state?.StartEvent?.ExecutionStarted;
                var sameParent = start?.ParentInstance is { } p && p.TaskScheduledId == parent.TaskScheduledId
                    && string.Equals(p.WorkflowInstance?.InstanceId, parent.WorkflowInstance?.InstanceId, StringComparison.Ordinal);
                return sameParent && state!.CompletedEvent is { } completed
                    ? HistoryEvents.ChildResult(Time, start!, completed.ExecutionCompleted)
                    : null;
            }, _stopping.Token);

            if (report is not null)
            {
                Deliver(new WorkflowMessage(parent.WorkflowInstance.InstanceId, report, parent.WorkflowInstance.ExecutionId), childId);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ResumeFailed(childId, e);
        }
    }

    private async Task RunDetachedAsync(string instanceId, Func<WorkflowInstanceActor, Task> action)
    {
        try
        {
            await WithInstanceAsync(instanceId, async i =>
            {
                if (i.Exists)
                {
                    await action(i);
                }
            }, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.BackgroundStepFailed(instanceId, e);
            if (!_stopping.IsCancellationRequested)
            {
                // The instance stays loaded with its timer disarmed; try the step again shortly.
                await Task.Delay(Options.RetryDelay, Time, CancellationToken.None);
                OnWake(instanceId);
            }
        }
    }

    private void Shutdown()
    {
        try
        {
            _stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        Dispatcher.Shutdown();
    }

    /// <summary>Finds the actor state store once components are loaded.</summary>
    private void Resolve()
    {
        if (Volatile.Read(ref _resolved) == 1)
        {
            return;
        }

        lock (_instances)
        {
            if (_resolved == 1)
            {
                return;
            }

            var entry = _components.Registry.ActorStateStore;
            if (entry is null)
            {
                _unavailable = WorkflowUnavailableException.ActorRuntimeNotFound;
            }
            else if (!entry.Store.Features.HasFlag(StateStoreFeatures.Transactional))
            {
                _unavailable = $"the actor state store {entry.Name} does not support transactions, which workflows require";
            }
            else
            {
                var keys = new WorkflowStateKeys(_sidecar.AppId, _sidecar.Namespace);
                _store = new WorkflowStateStore(entry, keys, _resiliency.ComponentOutbound(entry.Name));
            }

            Volatile.Write(ref _resolved, 1);
        }
    }
}
