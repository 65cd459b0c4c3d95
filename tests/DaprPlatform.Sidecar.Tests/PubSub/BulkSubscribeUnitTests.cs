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
    public void Reader_ReadsStatuses_CaseInsensitively_LastAnswerWins()
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
    public void Reader_RejectsWhatGoCannotDecode(string body) =>
        Assert.False(BulkAppResponseReader.TryRead(Encoding.UTF8.GetBytes(body), out _));

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"status":"SUCCESS"}""")]
    [InlineData("null")]
    public void Reader_AcceptsAnAnswerWithoutStatuses_SoEveryEntryCountsAsMissing(string body)
    {
        Assert.True(BulkAppResponseReader.TryRead(Encoding.UTF8.GetBytes(body), out var statuses));
        Assert.Empty(statuses);
    }

    [Fact]
    public async Task Batcher_DeliversAFullBatch_WithoutWaitingForTheWindow()
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
    public async Task Batcher_DeliversAPartialBatch_WhenTheWindowCloses()
    {
        await using var batcher = new BulkMessageBatcher(
            new BulkSubscribeOptions(true, 100, 300), (batch, _) => Task.FromResult(new Exception?[batch.Count]), TimeProvider.System);

        var elapsed = Stopwatch.StartNew();
        await batcher.HandleAsync(Message(1), TestContext.Current.CancellationToken);

        Assert.InRange(elapsed.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Batcher_CompletesEachMessage_WithItsEntrysOutcome()
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
    public async Task Batcher_FailsEveryMessage_WhenTheDeliveryFails()
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
    public async Task Batcher_UsesDaprsDefaults_WhenLimitsAreNotSet()
    {
        await using var batcher = new BulkMessageBatcher(new BulkSubscribeOptions(true, 0, 0), (b, _) => Task.FromResult(new Exception?[b.Count]), TimeProvider.System);

        Assert.Equal(100, batcher.MaxMessagesCount);
        Assert.Equal(TimeSpan.FromSeconds(1), batcher.MaxAwait);
    }

    [Fact]
    public async Task Batcher_Stopping_LeavesWaitingMessagesUnacknowledged()
    {
        var batcher = new BulkMessageBatcher(new BulkSubscribeOptions(true, 10, 30_000), (b, _) => Task.FromResult(new Exception?[b.Count]), TimeProvider.System);
        var waiting = batcher.HandleAsync(Message(1), TestContext.Current.CancellationToken);

        await batcher.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batcher.HandleAsync(Message(2), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Batcher_StoppingWhileABatchFills_LeavesItsMessagesUnacknowledged()
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
    public void DeclarativeSubscription_CarriesItsBulkLimits()
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
