using System.Collections.Concurrent;
using System.Text;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Components.PubSub.InMemory;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>pubsub.in-memory hands a failing message over at most 10 times, 100 ms apart, then drops it, as daprd's does.</summary>
public sealed class InMemoryPubSubTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    private readonly InMemoryPubSub _bus = new(NullLogger.Instance);
    private readonly ConcurrentQueue<string> _calls = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _bus.DisposeAsync();

    [Fact]
    public async Task A_message_that_keeps_failing_is_tried_ten_times_then_dropped_and_the_next_one_delivered()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await _bus.SubscribeAsync(new SubscribeRequest("orders", NoMetadata), (message, _) =>
        {
            var body = Encoding.UTF8.GetString(message.Data.Span);
            _calls.Enqueue(body);
            if (body == "poison")
            {
                throw new InvalidOperationException("the app said RETRY");
            }

            next.TrySetResult();
            return Task.CompletedTask;
        }, Ct);

        await PublishAsync("poison");
        await PublishAsync("good");
        await next.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(InMemoryPubSub.Attempts, _calls.Count(c => c == "poison"));
        Assert.Equal("good", _calls.Last());
    }

    [Fact]
    public async Task A_message_that_fails_twice_is_delivered_on_the_third_attempt_and_not_again()
    {
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await _bus.SubscribeAsync(new SubscribeRequest("orders", NoMetadata), (message, _) =>
        {
            _calls.Enqueue("attempt");
            if (_calls.Count < 3)
            {
                throw new InvalidOperationException("not yet");
            }

            delivered.TrySetResult();
            return Task.CompletedTask;
        }, Ct);

        await PublishAsync("order");
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);

        Assert.Equal(3, _calls.Count);
    }

    private Task PublishAsync(string body) =>
        _bus.PublishAsync(new PublishRequest("orders", Encoding.UTF8.GetBytes(body), "text/plain", NoMetadata), Ct);
}
