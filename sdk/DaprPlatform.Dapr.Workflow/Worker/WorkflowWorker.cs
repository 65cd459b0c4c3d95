using System.Collections.Concurrent;
using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Client;
using DaprPlatform.Dapr.Grpc.Protocol;
using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Dapr.Workflow.Execution;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Dapr.Workflow.Worker;

/// <summary>
/// Pulls work items from the sidecar (<c>GetWorkItems</c> server stream) and runs them: workflow turns through the
/// replay executor, activities in their own DI scope, each bounded by its concurrency limit. Results go back with the
/// work item's completion token. The stream is re-opened after any failure or close, with backoff, until shutdown.
/// </summary>
internal sealed class WorkflowWorker(
    WorkflowSidecarChannel sidecar,
    WorkflowExecutor executor,
    DaprWorkflowOptions options,
    ILogger<WorkflowWorker> logger) : BackgroundService
{
    private readonly GrpcChannel _channel = sidecar.Channel;
    private readonly SemaphoreSlim _workflowSlots = new(options.MaxConcurrentWorkflowInvocations, options.MaxConcurrentWorkflowInvocations);
    private readonly SemaphoreSlim _activitySlots = new(options.MaxConcurrentActivityInvocations, options.MaxConcurrentActivityInvocations);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private volatile bool _useCompleteWorkflowTask = options.UseCompleteWorkflowTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.ReconnectMinDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var receivedWork = false;
            using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var keepalive = KeepaliveAsync(streamCts.Token);
            try
            {
                await foreach (var workItem in _channel.ServerStreamingCall(
                    TaskHubSidecarServiceMethods.GetWorkItems, new GetWorkItemsRequest(), new GrpcCallOptions { CancellationToken = streamCts.Token }))
                {
                    if (!receivedWork)
                    {
                        receivedWork = true;
                        delay = options.ReconnectMinDelay;
                        WorkflowWorkerLog.Connected(logger, _channel.Address);
                    }

                    Dispatch(workItem, stoppingToken);
                }

                WorkflowWorkerLog.StreamEnded(logger, delay);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                WorkflowWorkerLog.ConnectFailed(logger, _channel.Address, ex.Message, delay);
            }
            finally
            {
                await streamCts.CancelAsync();
                await keepalive;
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.ReconnectMaxDelay.Ticks));
        }

        // Let work already started report back; activities see the stopping token.
        await Task.WhenAll(_running.Keys);
    }

    public override void Dispose()
    {
        base.Dispose();
        _workflowSlots.Dispose();
        _activitySlots.Dispose();
    }

    private void Dispatch(WorkItem workItem, CancellationToken stoppingToken)
    {
        Task work;
        switch (workItem.RequestCase)
        {
            case WorkItem.RequestOneofCase.WorkflowRequest:
                work = Task.Run(() => RunWorkflowTurnAsync(workItem.WorkflowRequest, workItem.CompletionToken, stoppingToken), CancellationToken.None);
                break;
            case WorkItem.RequestOneofCase.ActivityRequest:
                work = Task.Run(() => RunActivityAsync(workItem.ActivityRequest, workItem.CompletionToken, stoppingToken), CancellationToken.None);
                break;
            default:
                WorkflowWorkerLog.UnknownWorkItem(logger, workItem.RequestCase.ToString());
                return;
        }

        _running.TryAdd(work, 0);
        _ = work.ContinueWith(static (done, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(done, out _), _running, TaskScheduler.Default);
    }

    private async Task RunWorkflowTurnAsync(WorkflowRequest request, string completionToken, CancellationToken stoppingToken)
    {
        try
        {
            await _workflowSlots.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            WorkflowResponse response;
            try
            {
                response = executor.ExecuteWorkflow(request);
            }
            catch (Exception ex)
            {
                // The executor turns workflow errors into a failed completion itself; reaching here is a bug, but the
                // instance must still end rather than be redelivered forever.
                WorkflowWorkerLog.WorkflowExecutionCrashed(logger, request.InstanceId, ex);
                response = new WorkflowResponse { InstanceId = request.InstanceId };
                response.Actions.Add(new WorkflowAction
                {
                    CompleteWorkflow = new CompleteWorkflowAction
                    {
                        WorkflowStatus = OrchestrationStatus.Failed,
                        FailureDetails = FailureDetailsConverter.FromException(ex),
                    },
                });
            }

            response.CompletionToken = completionToken;
            await CompleteWorkflowTurnAsync(response, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            WorkflowWorkerLog.WorkflowResultNotDelivered(logger, request.InstanceId, ex);
        }
        catch (Exception)
        {
            // Shutting down: the sidecar redelivers the turn to the next worker.
        }
        finally
        {
            _workflowSlots.Release();
        }
    }

    private async Task CompleteWorkflowTurnAsync(WorkflowResponse response, CancellationToken cancellationToken)
    {
        var callOptions = new GrpcCallOptions { CancellationToken = cancellationToken };
        if (_useCompleteWorkflowTask)
        {
            try
            {
                await _channel.UnaryCallAsync(TaskHubSidecarServiceMethods.CompleteWorkflowTask, response, callOptions);
                return;
            }
            catch (GrpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
            {
                _useCompleteWorkflowTask = false;
                WorkflowWorkerLog.FallingBackToCompleteOrchestratorTask(logger);
            }
        }

        await _channel.UnaryCallAsync(TaskHubSidecarServiceMethods.CompleteOrchestratorTask, response, callOptions);
    }

    private async Task RunActivityAsync(ActivityRequest request, string completionToken, CancellationToken stoppingToken)
    {
        try
        {
            await _activitySlots.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var response = await executor.ExecuteActivityAsync(request, stoppingToken);
            response.CompletionToken = completionToken;
            await _channel.UnaryCallAsync(TaskHubSidecarServiceMethods.CompleteActivityTask, response, new GrpcCallOptions { CancellationToken = stoppingToken });
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            WorkflowWorkerLog.ActivityResultNotDelivered(logger, request.Name, request.WorkflowInstance?.InstanceId ?? string.Empty, ex);
        }
        catch (Exception)
        {
            // Shutting down: the sidecar redelivers the activity.
        }
        finally
        {
            _activitySlots.Release();
        }
    }

    private async Task KeepaliveAsync(CancellationToken cancellationToken)
    {
        if (options.KeepaliveInterval is not { } interval || interval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await _channel.UnaryCallAsync(TaskHubSidecarServiceMethods.Hello, new Empty(), new GrpcCallOptions { CancellationToken = cancellationToken });
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    WorkflowWorkerLog.KeepaliveFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended or the worker stops.
        }
    }
}
