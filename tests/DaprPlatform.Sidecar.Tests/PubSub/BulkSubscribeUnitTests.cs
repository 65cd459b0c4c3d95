using System.Diagnostics;
using System.Text;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.PubSub;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>The bulk answer reader, the default bulk subscriber's batching, and declarative bulk limits.</summary>
public sealed class BulkSubscribeUnitTests
{
    private static PubSubMessage Message(int n) => new("t", Encoding.UTF8.GetBytes($$"""{"n":{{n}}}"""), null, new Dictionary<string, string>());

    [Fact]
    public void Reader_reads_statuses_case_insensitively_last_answer_wins()
    {
        Assert.True(BulkAppResponseReader.TryRead(
            """{"Statuses":[{"EntryId":"a","STATUS":"SUCCESS"},{"entryId":"b","status":"DROP"},{"entryId":"a","status":"RETRY"}]} trailing"""u8,
            out var statuses));
        Assert.Equal("RETRY", statuses["a"]);
        Assert.Equal("DROP", statuses["b"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("""{"statuses":{"entryId":"a"}}""")]
    [InlineData("""{"statuses":[{"entryId":1,"status":"SUCCESS"}]}""")]
    [InlineData("""{"statuses":["a"]}""")]
    public void Reader_rejects_what_go_cannot_decode(string body) =>
        Assert.False(BulkAppResponseReader.TryRead(Encoding.UTF8.GetBytes(body), out _));

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"status":"SUCCESS"}""")]
    [InlineData("null")]
    public void Reader_accepts_an_answer_without_statuses_so_every_entry_counts_as_missing(string body)
    {
        Assert.True(BulkAppResponseReader.TryRead(Encoding.UTF8.GetBytes(body), out var statuses));
        Assert.Empty(statuses);
    }

    [Fact]
    public async Task Batcher_delivers_a_full_batch_without_waiting_for_the_window()
    {
        var sizes = new List<int>();
        await using var batcher = new BulkMessageBatcher(new BulkSubscribeOptions(true, 3, 30_000), (batch, _) =>
        {
            lock (sizes)
            {
                sizes.Add(batch.Count);
            }

            return Task.FromResult(new Exception?[batch.Count]);
        }, TimeProvider.System);

        var elapsed = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(1, 3).Select(n => batcher.HandleAsync(Message(n), TestContext.Current.CancellationToken)))
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal([3], sizes);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Batcher_delivers_a_partial_batch_when_the_window_closes()
    {
        await using var batcher = new BulkMessageBatcher(
            new BulkSubscribeOptions(true, 100, 300), (batch, _) => Task.FromResult(new Exception?[batch.Count]), TimeProvider.System);

        var elapsed = Stopwatch.StartNew();
        await batcher.HandleAsync(Message(1), TestContext.Current.CancellationToken);

        Assert.InRange(elapsed.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Batcher_completes_each_message_with_its_entrys_outcome()
    {
        var retry = new PubSubDeliveryException("RETRY required");
        await using var batcher = new BulkMessageBatcher(new BulkSubscribeOptions(true, 2, 30_000), (batch, _) =>
            Task.FromResult(batch.Select(m => m.Data.Span.SequenceEqual("""{"n":2}"""u8) ? (Exception?)retry : null).ToArray()), TimeProvider.System);

        var first = batcher.HandleAsync(Message(1), TestContext.Current.CancellationToken);
        var second = batcher.HandleAsync(Message(2), TestContext.Current.CancellationToken);

        await first;
        Assert.Same(retry, await Assert.ThrowsAsync<PubSubDeliveryException>(() => second));
    }

    [Fact]
    public async Task Batcher_fails_every_message_when_the_delivery_fails()
    {
        await using var batcher = new BulkMessageBatcher(new BulkSubscribeOptions(true, 2, 30_000),
            (_, _) => Task.FromException<Exception?[]>(new InvalidOperationException("app unreachable")), TimeProvider.System);

        var handled = new[] { Message(1), Message(2) }.Select(m => batcher.HandleAsync(m, TestContext.Current.CancellationToken)).ToList();

        foreach (var task in handled)
        {
            Assert.Equal("app unreachable", (await Assert.ThrowsAsync<PubSubDeliveryException>(() => task)).Message);
        }
    }

    [Fact]
    public async Task Batcher_uses_daprs_defaults_when_limits_are_not_set()
    {
        await using var batcher = new BulkMessageBatcher(new BulkSubscribeOptions(true, 0, 0), (b, _) => Task.FromResult(new Exception?[b.Count]), TimeProvider.System);

        Assert.Equal(100, batcher.MaxMessagesCount);
        Assert.Equal(TimeSpan.FromSeconds(1), batcher.MaxAwait);
    }

    [Fact]
    public async Task Batcher_stopping_leaves_waiting_messages_unacknowledged()
    {
        var batcher = new BulkMessageBatcher(new BulkSubscribeOptions(true, 10, 30_000), (b, _) => Task.FromResult(new Exception?[b.Count]), TimeProvider.System);
        var waiting = batcher.HandleAsync(Message(1), TestContext.Current.CancellationToken);

        await batcher.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batcher.HandleAsync(Message(2), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Batcher_stopping_while_a_batch_fills_leaves_its_messages_unacknowledged()
    {
        var delivered = 0;
        var batcher = new BulkMessageBatcher(
            new BulkSubscribeOptions(true, 10, 30_000), (b, _) => { Interlocked.Add(ref delivered, b.Count); return Task.FromResult(new Exception?[b.Count]); }, TimeProvider.System);
        var waiting = batcher.HandleAsync(Message(1), TestContext.Current.CancellationToken);
        // Long enough for the loop to take the message into a batch that waits 30 s for more.
        await Task.Delay(200, TestContext.Current.CancellationToken);

        await batcher.DisposeAsync();

        // Before the fix the handler of a message taken into the batch waited forever.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(0, delivered);
    }

    [Fact]
    public void Declarative_subscription_carries_its_bulk_limits()
    {
        var dir = Directory.CreateTempSubdirectory("bulk-sub-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "sub.yaml"), """
                apiVersion: dapr.io/v2alpha1
                kind: Subscription
                metadata:
                  name: s
                spec:
                  pubsubname: p
                  topic: t
                  routes:
                    default: /r
                  bulkSubscribe:
                    enabled: true
                    maxMessagesCount: 7
                    maxAwaitDurationMs: 40
                """);
            var resource = Assert.Single(ResourceLoader.Load(new DaprPlatform.Sidecar.Hosting.SidecarOptions { AppId = "app", ResourcesPaths = [dir] }).Subscriptions);

            Assert.Equal(new BulkSubscribeOptions(true, 7, 40), SubscriptionSet.FromResource(resource).BulkSubscribe);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
