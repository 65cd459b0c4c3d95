using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>
/// Bulk subscriptions on pubsub.rabbitmq against a real broker, sidecar and app: the component delivers messages in
/// parallel, so batches fill up to maxMessagesCount; each entry's status decides its message's ack or nack.
/// </summary>
public sealed class BulkSubscribeRabbitMqTests(InfraFixture infra)
{
    private Task<PubSubNode> StartAsync(string subscriptions, int expected, bool requeueInFailure = true) =>
        PubSubNode.StartAsync(
            infra.UniqueName("bulk-rmq"),
            r => r.AddRabbitMqPubSub(infra.AmqpUri, extraMetadata: new Dictionary<string, string>
            {
                ["requeueInFailure"] = requeueInFailure ? "true" : "false",
            }),
            subscriptions,
            expected);

    private static async Task PublishNumbersAsync(SidecarProcess sidecar, string topic, params int[] numbers)
    {
        var entries = string.Join(",", numbers.Select(n => $$"""{"entryId":"{{n}}","event":{"n":{{n}}},"contentType":"application/json"}"""));
        using var response = await sidecar.BulkPublishAsync("pubsub", topic, $"[{entries}]");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Messages_are_batched_up_to_max_messages_count()
    {
        var topic = infra.UniqueName("bulk");
        await using var node = await StartAsync($"[{BulkBatches.Subscription(topic, "/bulk", 3, 1500)}]", 1);
        node.App.Decide = batch => BulkBatches.Answer(batch, _ => "SUCCESS");

        await PublishNumbersAsync(node.Sidecar, topic, 1, 2, 3, 4, 5);

        var first = await node.App.NextAsync("/bulk");
        var second = await node.App.NextAsync("/bulk");
        Assert.Equal(3, first.Entries().Count);
        Assert.Equal(2, second.Entries().Count);
        Assert.Equal([1, 2, 3, 4, 5], first.Numbers().Concat(second.Numbers()).Order());
        Assert.Equal(topic, first.Json.GetProperty("topic").GetString());
        Assert.Equal(2, (await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(1))).Count);
    }

    [Fact]
    public async Task Per_entry_statuses_ack_success_and_drop_redeliver_retry_and_missing()
    {
        var topic = infra.UniqueName("bulk");
        await using var node = await StartAsync($"[{BulkBatches.Subscription(topic, "/bulk", 4, 1500)}]", 1);
        var calls = 0;
        node.App.Decide = batch => Interlocked.Increment(ref calls) == 1
            ? BulkBatches.Answer(batch, e => BulkBatches.Number(e) switch { 1 => "SUCCESS", 2 => "RETRY", 3 => "DROP", _ => null })
            : BulkBatches.Answer(batch, _ => "SUCCESS");

        await PublishNumbersAsync(node.Sidecar, topic, 1, 2, 3, 4);

        var first = await node.App.NextAsync("/bulk");
        Assert.Equal([1, 2, 3, 4], first.Numbers().Order());
        var redelivered = await node.App.NextAsync("/bulk");
        Assert.Equal([2, 4], redelivered.Numbers().Order());
        Assert.Equal(2, (await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(2))).Count);
    }

    [Fact]
    public async Task Retry_and_drop_go_to_the_dead_letter_topic()
    {
        var topic = infra.UniqueName("bulk");
        var subscriptions = $$"""
            [{{BulkBatches.Subscription(topic, "/bulk", 3, 1500, deadLetterTopic: topic + "-dead")}},
             {"pubsubname":"pubsub","topic":"{{topic}}-dead","route":"/dead"}]
            """;
        await using var node = await StartAsync(subscriptions, 2, requeueInFailure: false);
        node.App.Decide = e => e.Path == "/bulk"
            ? BulkBatches.Answer(e, entry => BulkBatches.Number(entry) switch { 1 => "SUCCESS", 2 => "RETRY", _ => "DROP" })
            : AppAnswer.Success;

        await PublishNumbersAsync(node.Sidecar, topic, 1, 2, 3);

        var dead = new[] { await node.App.NextAsync("/dead"), await node.App.NextAsync("/dead") };
        Assert.Equal([2, 3], dead.Select(d => d.Json.GetProperty("data").GetProperty("n").GetInt32()).Order());
        Assert.Single(await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(1)));
        Assert.Equal(2, node.App.All.Count(e => e.Path == "/dead"));
    }

    [Fact]
    public async Task Single_event_answer_is_not_a_bulk_response_so_every_entry_is_retried()
    {
        var topic = infra.UniqueName("bulk");
        await using var node = await StartAsync($"[{BulkBatches.Subscription(topic, "/bulk", 2, 1500)}]", 1);
        var calls = 0;
        node.App.Decide = batch => Interlocked.Increment(ref calls) == 1 ? AppAnswer.Success : BulkBatches.Answer(batch, _ => "SUCCESS");

        await PublishNumbersAsync(node.Sidecar, topic, 1, 2);

        Assert.Equal([1, 2], (await node.App.NextAsync("/bulk")).Numbers().Order());
        Assert.Equal([1, 2], (await node.App.NextAsync("/bulk")).Numbers().Order());
        Assert.Equal(2, (await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(1))).Count);
    }

    [Fact]
    public async Task Failed_request_makes_every_entry_retriable()
    {
        var topic = infra.UniqueName("bulk");
        await using var node = await StartAsync($"[{BulkBatches.Subscription(topic, "/bulk", 2, 1500)}]", 1);
        var calls = 0;
        node.App.Decide = batch => Interlocked.Increment(ref calls) == 1 ? new AppAnswer(503, "busy") : BulkBatches.Answer(batch, _ => "SUCCESS");

        await PublishNumbersAsync(node.Sidecar, topic, 1, 2);

        Assert.Equal([1, 2], (await node.App.NextAsync("/bulk")).Numbers().Order());
        Assert.Equal([1, 2], (await node.App.NextAsync("/bulk")).Numbers().Order());
        Assert.Equal(2, (await node.App.SettleAsync("/bulk", TimeSpan.FromSeconds(1))).Count);
    }

    [Fact]
    public async Task Route_rules_are_evaluated_per_entry_one_request_per_path()
    {
        var topic = infra.UniqueName("bulk");
        var subscription = $$$"""
            [{"pubsubname":"pubsub","topic":"{{{topic}}}","routes":{"rules":[{"match":"event.data.n > 2","path":"/big"}],"default":"/small"},
              "bulkSubscribe":{"enabled":true,"maxMessagesCount":4,"maxAwaitDurationMs":1500}}]
            """;
        await using var node = await StartAsync(subscription, 1);

        node.App.Decide = batch => BulkBatches.Answer(batch, _ => "SUCCESS");

        await PublishNumbersAsync(node.Sidecar, topic, 1, 2, 3, 4);

        Assert.Equal([1, 2], (await node.App.NextAsync("/small")).Numbers().Order());
        Assert.Equal([3, 4], (await node.App.NextAsync("/big")).Numbers().Order());
    }
}
