using System.Text.Json;
using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;
using DaprPlatform.Workflow.Testing.Replay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DaprPlatform.Workflow.Testing;

/// <summary>
/// Runs registered workflows in-process with the same replay executor the worker uses, against an in-memory
/// sidecar simulation: every turn replays the full history (so determinism bugs surface in unit tests), actions
/// become history events, activities run (real implementations or injected results/failures), and timers fire on a
/// virtual clock, either automatically when nothing else can happen or when the test advances time.
/// </summary>
public sealed class WorkflowTestHost : IAsyncDisposable
{
    public static readonly DateTime DefaultStartTime = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly ServiceProvider? _ownedServices;
    private readonly WorkflowExecutor _executor;
    private readonly InMemoryWorkflowBackend _backend;
    private readonly Dictionary<string, Func<ActivityCall, object?>> _activityHandlers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, InjectedFailure> _activityFailures = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _callCounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ActivityCall> _activityCalls = [];
    private DateTime _now;

    /// <param name="configure">Registers workflows and (optionally) real activities: the same code an app passes to <c>AddDaprWorkflow</c>.</param>
    /// <param name="services">Services for activity and workflow constructors; a minimal provider with logging when null.</param>
    /// <param name="jsonOptions">How inputs and outputs are serialized; Dapr.Workflow's default (web defaults) when null.</param>
    public WorkflowTestHost(Action<WorkflowRuntimeOptions> configure, IServiceProvider? services = null, DateTime? startTime = null, JsonSerializerOptions? jsonOptions = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new WorkflowRuntimeOptions();
        configure(options);
        var registry = new WorkflowRegistry();
        options.ApplyRegistrations(registry);
        if (services is null)
        {
            _ownedServices = new ServiceCollection().AddLogging().BuildServiceProvider();
            services = _ownedServices;
        }

        _now = (startTime ?? DefaultStartTime).ToUniversalTime();
        _backend = new InMemoryWorkflowBackend(() => _now);
        _executor = new WorkflowExecutor(registry, new WorkflowSerializer(jsonOptions ?? WorkflowSerializer.DefaultOptions), services, services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
    }

    /// <summary>The virtual clock: the time workflow turns see as <see cref="WorkflowContext.CurrentUtcDateTime"/>.</summary>
    public DateTime CurrentUtcDateTime => _now;

    /// <summary>
    /// When true (default) the clock jumps to the next timer whenever nothing else can run, so workflows run to
    /// completion. Set false to fire timers only through <see cref="AdvanceTimeAsync"/>.
    /// </summary>
    public bool AutoFireTimers { get; set; } = true;

    /// <summary>Safety net against workflows that never stop (e.g. a continue-as-new loop without an end).</summary>
    public int MaxTurns { get; set; } = 10_000;

    /// <summary>Workflow turns executed so far; each one replayed the instance's full history.</summary>
    public int WorkflowTurns { get; private set; }

    /// <summary>Every activity execution, in order.</summary>
    public IReadOnlyList<ActivityCall> ActivityCalls => _activityCalls;

    /// <summary>Answers calls of activity <paramref name="name"/> with <paramref name="handler"/>; throwing fails the call.</summary>
    public WorkflowTestHost SetupActivity(string name, Func<ActivityCall, object?> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(handler);
        _activityHandlers[name] = handler;
        return this;
    }

    /// <summary>Answers calls of activity <paramref name="name"/> from their typed input.</summary>
    public WorkflowTestHost SetupActivity<TInput, TOutput>(string name, Func<TInput, TOutput> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return SetupActivity(name, call => handler(call.ReadInputAs<TInput>()!));
    }

    /// <summary>
    /// Fails the next <paramref name="times"/> calls of activity <paramref name="name"/> with a
    /// <see cref="SimulatedActivityFailureException"/>; later calls use the setup handler or the real activity.
    /// </summary>
    public WorkflowTestHost FailActivity(string name, int times = int.MaxValue, string message = "Simulated activity failure")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        _activityFailures[name] = new InjectedFailure(times, message);
        return this;
    }

    /// <summary>Starts a workflow and runs until nothing more can happen; returns the instance id.</summary>
    public async Task<string> ScheduleNewWorkflowAsync(string name, object? input = null, string? instanceId = null, DateTime? startTime = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var id = _backend.CreateInstance(name, instanceId, _executor.Serializer.Serialize(input), startTime);
        await RunUntilIdleAsync();
        return id;
    }

    public async Task RaiseEventAsync(string instanceId, string eventName, object? payload = null)
    {
        EnsureExists(_backend.RaiseEvent(instanceId, eventName, _executor.Serializer.Serialize(payload)), instanceId);
        await RunUntilIdleAsync();
    }

    public async Task TerminateWorkflowAsync(string instanceId, object? output = null, bool recursive = true)
    {
        EnsureExists(_backend.Terminate(instanceId, _executor.Serializer.Serialize(output), recursive), instanceId);
        await RunUntilIdleAsync();
    }

    public async Task SuspendWorkflowAsync(string instanceId, string? reason = null)
    {
        EnsureExists(_backend.Suspend(instanceId, reason), instanceId);
        await RunUntilIdleAsync();
    }

    public async Task ResumeWorkflowAsync(string instanceId, string? reason = null)
    {
        EnsureExists(_backend.Resume(instanceId, reason), instanceId);
        await RunUntilIdleAsync();
    }

    /// <summary>Moves the clock forward, firing due timers in time order and running the workflows after each.</summary>
    public async Task AdvanceTimeAsync(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var target = _now + duration;
        await RunAsync(autoFireTimers: false);
        while (_backend.NextWakeUp() is { } due && due <= target)
        {
            _now = due > _now ? due : _now;
            _backend.FireDueTimers();
            await RunAsync(autoFireTimers: false);
        }

        _now = target;
        await RunUntilIdleAsync();
    }

    /// <summary>Runs workflow turns and activities until the instances are blocked (timers fire if <see cref="AutoFireTimers"/>).</summary>
    public Task RunUntilIdleAsync() => RunAsync(AutoFireTimers);

    /// <summary>The instance as a client would see it.</summary>
    /// <exception cref="InvalidOperationException">No such instance.</exception>
    public WorkflowInstanceState GetWorkflowState(string instanceId)
    {
        var state = _backend.GetState(instanceId, includeInputsAndOutputs: true)
            ?? throw new InvalidOperationException($"No workflow instance '{instanceId}'.");
        return WorkflowInstanceState.FromProtocol(state, _executor.Serializer.Options);
    }

    /// <summary>Activities the instance scheduled, in order (across continue-as-new executions).</summary>
    public IReadOnlyList<ScheduledActivity> GetScheduledActivities(string instanceId) => _backend.GetScheduledActivities(instanceId);

    /// <summary>The current execution's history, as the sidecar would store it.</summary>
    public IReadOnlyList<HistoryEvent> GetHistory(string instanceId) => _backend.GetHistory(instanceId);

    public IReadOnlyList<string> GetChildWorkflowInstanceIds(string instanceId) => _backend.GetChildInstanceIds(instanceId);

    public async ValueTask DisposeAsync()
    {
        if (_ownedServices is not null)
        {
            await _ownedServices.DisposeAsync();
        }
    }

    private async Task RunAsync(bool autoFireTimers)
    {
        while (true)
        {
            var progressed = false;
            while (_backend.TryTakeWorkflowWorkItem(out var workflowItem))
            {
                if (++WorkflowTurns > MaxTurns)
                {
                    throw new InvalidOperationException($"More than {MaxTurns} workflow turns: the workflow does not come to rest.");
                }

                var response = _executor.ExecuteWorkflow(workflowItem.WorkflowRequest);
                response.CompletionToken = workflowItem.CompletionToken;
                _backend.CompleteWorkflowWorkItem(response);
                progressed = true;
            }

            while (_backend.TryTakeActivityWorkItem(out var activityItem))
            {
                var response = await ExecuteActivityAsync(activityItem.ActivityRequest);
                response.CompletionToken = activityItem.CompletionToken;
                _backend.CompleteActivityWorkItem(response);
                progressed = true;
            }

            if (progressed)
            {
                continue;
            }

            if (autoFireTimers && _backend.NextWakeUp() is { } due)
            {
                _now = due > _now ? due : _now;
                _backend.FireDueTimers();
                continue;
            }

            return;
        }
    }

    private async Task<ActivityResponse> ExecuteActivityAsync(ActivityRequest request)
    {
        var callNumber = _callCounts[request.Name] = _callCounts.GetValueOrDefault(request.Name) + 1;
        var call = new ActivityCall(request.WorkflowInstance.InstanceId, request.Name, request.Input, callNumber, request.TaskExecutionId, _now)
        {
            JsonOptions = _executor.Serializer.Options,
        };
        _activityCalls.Add(call);

        if (_activityFailures.TryGetValue(request.Name, out var failure) && failure.Remaining > 0)
        {
            failure.Remaining--;
            return Failed(request, new SimulatedActivityFailureException(failure.Message));
        }

        if (_activityHandlers.TryGetValue(request.Name, out var handler))
        {
            try
            {
                return new ActivityResponse
                {
                    InstanceId = request.WorkflowInstance.InstanceId,
                    TaskId = request.TaskId,
                    Result = _executor.Serializer.Serialize(handler(call)),
                };
            }
            catch (Exception ex)
            {
                return Failed(request, ex);
            }
        }

        return await _executor.ExecuteActivityAsync(request, CancellationToken.None);
    }

    private static ActivityResponse Failed(ActivityRequest request, Exception exception) => new()
    {
        InstanceId = request.WorkflowInstance.InstanceId,
        TaskId = request.TaskId,
        FailureDetails = FailureDetailsConverter.FromException(exception),
    };

    private static void EnsureExists(bool found, string instanceId)
    {
        if (!found)
        {
            throw new InvalidOperationException($"No running workflow instance '{instanceId}'.");
        }
    }

    private sealed class InjectedFailure(int remaining, string message)
    {
        public int Remaining { get; set; } = remaining;

        public string Message { get; } = message;
    }
}
