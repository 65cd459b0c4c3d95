using System.Diagnostics;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>
/// Bulk subscriptions on pubsub.in-memory (daprd's default bulk subscriber: the component hands over one message at
/// a time, so each batch closes when maxAwaitDurationMs has passed) against a real sidecar and app.
/// </summary>
public sealed class BulkSubscribeInMemoryTests
{
    private static Task<PubSubNode> StartAsync(string subscriptions, int expected, Action<DaprPlatform.Testing.ResourcesDirectory>? more = null) =>
        PubSubNode.StartAsync(
            "bulk-inmem",
            r =>
            {
                r.AddInMemoryPubSub("pubsub");
                more?.Invoke(r);
            },
            subscriptions,
            expected);

    [Fact]
    public async Task Event_is_posted_as_a_bulk_envelope_after_max_await_duration()
    {
        await using var node = await StartAsync($"[{BulkBatches.Subscription("orders", "/bulk-orders", 10, 400)}]", 1);

        var published = Stopwatch.StartNew();
        await node.Sidecar.PublishOkAsync("pubsub", "orders", """{"n":7}""");
        var batch = await node.App.NextAsync("/bulk-orders");
        var waited = published.Elapsed;

        Assert.Equal("application/json", batch.ContentType);
        Assert.Equal("pubsub", batch.Header("pubsubname"));
        var body = batch.Json;
        Assert.Equal("com.dapr.event.sent.bulk", body.GetProperty("type").GetString());
        Assert.Equal("orders", body.GetProperty("topic").GetString());
        Assert.Equal("pubsub", body.GetProperty("pubsubname").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("id").GetString(), out _));
        Assert.Equal("pubsub", body.GetProperty("metadata").GetProperty("pubsubName").GetString());
        var entry = Assert.Single(batch.Entries());
        Assert.True(Guid.TryParse(entry.GetProperty("entryId").GetString(), out _));
        Assert.Equal("application/cloudevents+json", entry.GetProperty("contentType").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, entry.GetProperty("metadata").ValueKind);
        var cloudEvent = entry.GetProperty("event");
        Assert.Equal(7, cloudEvent.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal("com.dapr.event.sent", cloudEvent.GetProperty("type").GetString());
        Assert.Equal("orders", cloudEvent.GetProperty("topic").GetString());
        // The batch stays open for maxAwaitDurationMs waiting for more messages.
        Assert.True(waited >= TimeSpan.FromMilliseconds(350), $"delivered after {waited.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData("RETRY")]
    [InlineData(null)]
    [InlineData("UNKNOWN")]
    public async Task Entry_not_succeeded_is_redelivered_until_the_app_says_success(string? firstStatus)
    {
        await using var node = await StartAsync($"[{BulkBatches.Subscription("orders", "/bulk", 10, 50)}]", 1);
        var answered = 0;
        node.App.Decide = batch => BulkBatches.Answer(batch, _ => Interlocked.Increment(ref answered) == 1 ? firstStatus : "SUCCESS");

        await node.Sidecar.PublishOkAsync("pubsub", "orders", """{"n":1}""");

        var first = await node.App.NextAsync("/bulk");
        var second = await node.App.NextAsync("/bulk");
        Assert.Equal([1], first.Numbers());
        Assert.Equal([1], second.Numbers());
        Assert.Equal(first.Entries()[0].GetProperty("event").GetProperty("id").GetString(), second.Entries()[0].GetProperty("event").GetProperty("id").GetString());
        Assert.Equal(2, (await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(1.5))).Count);
    }

    [Fact]
    public async Task Drop_entry_goes_to_the_dead_letter_topic_and_is_not_redelivered()
    {
        var subscriptions = $$"""
            [{{BulkBatches.Subscription("orders", "/bulk", 10, 50, deadLetterTopic: "orders-dead")}},
             {"pubsubname":"pubsub","topic":"orders-dead","route":"/dead"}]
            """;
        await using var node = await StartAsync(subscriptions, 2);
        node.App.Decide = e => e.Path == "/bulk" ? BulkBatches.Answer(e, _ => "DROP") : AppAnswer.Success;

        await node.Sidecar.PublishOkAsync("pubsub", "orders", """{"n":3}""");

        var dead = await node.App.NextAsync("/dead");
        Assert.Equal(3, dead.Json.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Single(await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public async Task Retriable_app_status_retries_every_entry()
    {
        await using var node = await StartAsync($"[{BulkBatches.Subscription("orders", "/bulk", 10, 50)}]", 1);
        var calls = 0;
        node.App.Decide = batch => Interlocked.Increment(ref calls) == 1 ? new AppAnswer(500, "boom") : BulkBatches.Answer(batch, _ => "SUCCESS");

        await node.Sidecar.PublishOkAsync("pubsub", "orders", """{"n":5}""");

        Assert.Equal([5], (await node.App.NextAsync("/bulk")).Numbers());
        Assert.Equal([5], (await node.App.NextAsync("/bulk")).Numbers());
        Assert.Equal(2, (await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(1.5))).Count);
    }

    [Fact]
    public async Task Not_found_drops_the_batch_without_redelivery()
    {
        await using var node = await StartAsync($"[{BulkBatches.Subscription("orders", "/bulk", 10, 50)}]", 1);
        node.App.Decide = _ => new AppAnswer(404);

        await node.Sidecar.PublishOkAsync("pubsub", "orders", """{"n":6}""");

        Assert.Equal([6], (await node.App.NextAsync("/bulk")).Numbers());
        Assert.Single(await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public async Task Raw_payload_entry_carries_the_bytes_as_base64()
    {
        var subscription = """
            [{"pubsubname":"pubsub","topic":"raw","route":"/raw","metadata":{"rawPayload":"true"},
              "bulkSubscribe":{"enabled":true,"maxMessagesCount":5,"maxAwaitDurationMs":50}}]
            """;
        await using var node = await StartAsync(subscription, 1);
        node.App.Decide = batch => BulkBatches.Answer(batch, _ => "SUCCESS");

        await node.Sidecar.PublishOkAsync("pubsub", "raw", "not a cloud event", "text/plain", "?metadata.rawPayload=true");

        var entry = Assert.Single((await node.App.NextAsync("/raw")).Entries());
        Assert.Equal("not a cloud event", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(entry.GetProperty("event").GetString()!)));
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("contentType").GetString()));
    }

    [Fact]
    public async Task Declarative_bulk_subscription_is_delivered_in_bulk()
    {
        const string Yaml = """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: bulk-declared
            spec:
              pubsubname: pubsub
              topic: declared
              routes:
                default: /declared
              bulkSubscribe:
                enabled: true
                maxMessagesCount: 5
                maxAwaitDurationMs: 50
            """;
        await using var node = await StartAsync("[]", 1, r => r.AddFile("bulk-declared.yaml", Yaml));

        await node.Sidecar.PublishOkAsync("pubsub", "declared", """{"n":9}""");

        var batch = await node.App.NextAsync("/declared");
        Assert.Equal([9], batch.Numbers());
        Assert.Equal("com.dapr.event.sent.bulk", batch.Json.GetProperty("type").GetString());
    }
}
