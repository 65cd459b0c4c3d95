using System.Threading.Channels;
using DaprPlatform.Sidecar.Components.PubSub;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// daprd's default bulk subscriber, for components without native bulk subscribe: every component handler call
/// joins the current batch and waits; a batch is delivered when it holds <c>maxMessagesCount</c> messages (default
/// 100) or <c>maxAwaitDurationMs</c> (default 1000 ms) after its first message arrived, whichever comes first. Each
/// waiting handler then returns (ack) or throws (nack) with its own message's outcome, so the component's
/// per-message contract is kept. Batches are delivered one at a time.
/// </summary>
public sealed class BulkMessageBatcher : IAsyncDisposable
{
    public const int DefaultMaxMessagesCount = 100;
    public const int DefaultMaxAwaitDurationMs = 1000;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<PubSubMessage>, CancellationToken, Task<Exception?[]>> _deliver;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public BulkMessageBatcher(
        BulkSubscribeOptions options, Func<IReadOnlyList<PubSubMessage>, CancellationToken, Task<Exception?[]>> deliver, TimeProvider time)
    {
        MaxMessagesCount = options.MaxMessagesCount > 0 ? options.MaxMessagesCount : DefaultMaxMessagesCount;
        MaxAwait = TimeSpan.FromMilliseconds(options.MaxAwaitDurationMs > 0 ? options.MaxAwaitDurationMs : DefaultMaxAwaitDurationMs);
        _deliver = deliver;
        _time = time;
        _loop = Task.Run(RunAsync);
    }

    public int MaxMessagesCount { get; }

    public TimeSpan MaxAwait { get; }

    /// <summary>The component handler: returns once the message's batch was delivered and its entry succeeded.</summary>
    public async Task HandleAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        var pending = new Pending(message, new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new OperationCanceledException("the bulk subscription is stopping");
        }

        var error = await pending.Outcome.Task.WaitAsync(cancellationToken);
        if (error is not null)
        {
            throw error;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Stop first, then close the queue: the loop then sees the stop whichever it notices, and never delivers a
        // batch it was still filling.
        await _stop.CancelAsync();
        _queue.Writer.TryComplete();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        // Messages that never made it into a batch are left for the broker to redeliver.
        while (_queue.Reader.TryRead(out var left))
        {
            LeaveForRedelivery(left);
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(MaxMessagesCount);
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token))
            {
                await FillAsync(reader, batch);
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                if (batch.Count > 0)
                {
                    await FlushAsync(batch);
                    batch.Clear();
                }
            }
        }
        finally
        {
            // Stopped while a batch was being filled: its messages were taken from the queue but never delivered.
            // Their handlers must not wait forever; the broker redelivers them.
            foreach (var pending in batch)
            {
                LeaveForRedelivery(pending);
            }
        }
    }

    // Takes what is queued, then waits for more until the batch is full or the window since its first message ends.
    private async Task FillAsync(ChannelReader<Pending> reader, List<Pending> batch)
    {
        using var window = new CancellationTokenSource(MaxAwait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(window.Token, _stop.Token);
        try
        {
            while (batch.Count < MaxMessagesCount)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    continue;
                }

                if (!await reader.WaitToReadAsync(linked.Token))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            // The window closed: deliver what we have.
        }
    }

    private async Task FlushAsync(List<Pending> batch)
    {
        Exception?[] outcomes;
        try
        {
            outcomes = await _deliver(batch.Select(p => p.Message).ToList(), _stop.Token);
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Outcome.TrySetResult(e is OperationCanceledException
                    ? new OperationCanceledException(e.Message)
                    : new PubSubDeliveryException(e.Message));
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Outcome.TrySetResult(outcomes[i]);
        }
    }

    // The handler fails without the message being delivered, so the component does not acknowledge it.
    private static void LeaveForRedelivery(Pending pending) =>
        pending.Outcome.TrySetResult(new OperationCanceledException("the bulk subscription stopped"));

    private sealed record Pending(PubSubMessage Message, TaskCompletionSource<Exception?> Outcome);
}
