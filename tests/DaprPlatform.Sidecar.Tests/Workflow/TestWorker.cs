using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Dapr.DurableTask.Protobuf;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>
/// A workflow worker written directly on the protocol: it holds a GetWorkItems stream open, hands the received work
/// items to the test, and answers them with CompleteWorkflowTask / CompleteActivityTask as the test says.
/// </summary>
internal sealed class TestWorker : IAsyncDisposable
{
    private readonly CallInvoker _channel;
    private readonly Channel<WorkItem> _items = Channel.CreateUnbounded<WorkItem>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public TestWorker(CallInvoker channel)
    {
        _channel = channel;
        _pump = PumpAsync();
    }

    /// <summary>How the stream ended, once it has: null for a normal end.</summary>
    public Exception? StreamError { get; private set; }

    public async Task<WorkItem> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            return await _items.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no work item arrived (stream error: {StreamError?.Message ?? "none"})");
        }
    }

    public async Task<WorkflowRequest> NextWorkflowAsync(string? instanceId = null)
    {
        var item = await NextAsync();
        Assert.Equal(WorkItem.RequestOneofCase.WorkflowRequest, item.RequestCase);
        if (instanceId is not null)
        {
            Assert.Equal(instanceId, item.WorkflowRequest.InstanceId);
        }

        Assert.False(string.IsNullOrEmpty(item.CompletionToken));
        LastToken = item.CompletionToken;
        return item.WorkflowRequest;
    }

    public async Task<(ActivityRequest Request, string Token)> NextActivityAsync()
    {
        var item = await NextAsync();
        Assert.Equal(WorkItem.RequestOneofCase.ActivityRequest, item.RequestCase);
        Assert.False(string.IsNullOrEmpty(item.CompletionToken));
        return (item.ActivityRequest, item.CompletionToken);
    }

    /// <summary>The completion token of the last workflow item <see cref="NextWorkflowAsync"/> returned.</summary>
    public string? LastToken { get; private set; }

    /// <summary>True when no work item arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> StaysIdleAsync(TimeSpan wait)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(wait);
        try
        {
            await _items.Reader.WaitToReadAsync(cts.Token);
            return false;
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }

    public Task CompleteWorkflowAsync(string instanceId, string? token, params WorkflowAction[] actions) =>
        CompleteWorkflowAsync(instanceId, token, null, actions);

    public Task CompleteWorkflowAsync(string instanceId, string? token, string? customStatus, params WorkflowAction[] actions)
    {
        var response = new WorkflowResponse { InstanceId = instanceId, CompletionToken = token ?? "", CustomStatus = customStatus };
        response.Actions.Add(actions);
        return _channel.UnaryCallAsync(TaskHubSidecarServiceMethods.CompleteWorkflowTask, response, Options());
    }

    public Task CompleteActivityAsync(ActivityRequest request, string? token, string? result) =>
        _channel.UnaryCallAsync(TaskHubSidecarServiceMethods.CompleteActivityTask, new ActivityResponse
        {
            InstanceId = request.WorkflowInstance.InstanceId,
            TaskId = request.TaskId,
            Result = result,
            CompletionToken = token ?? "",
        }, Options());

    /// <summary>Closes the stream, as a worker process that goes away.</summary>
    public async Task DisconnectAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync();
        _stop.Dispose();
    }

    private static CallOptions Options() =>
        new(deadline: DateTime.UtcNow + TimeSpan.FromSeconds(30), cancellationToken: TestContext.Current.CancellationToken);

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var item in _channel.ServerStreamingCall(
                               TaskHubSidecarServiceMethods.GetWorkItems, new GetWorkItemsRequest(), new CallOptions(cancellationToken: _stop.Token)))
            {
                await _items.Writer.WriteAsync(item);
            }
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            StreamError = e;
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }
}
