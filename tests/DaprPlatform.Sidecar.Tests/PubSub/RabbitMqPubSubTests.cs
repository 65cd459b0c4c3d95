using System.Text;
using System.Text.Json;
using DaprPlatform.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>
/// pubsub.rabbitmq through real sidecars and apps against a real RabbitMQ: delivery semantics end to end, and the
/// broker layout checked with RabbitMQ.Client directly (it must be the layout daprd's component creates).
/// </summary>
public sealed class RabbitMqPubSubTests(InfraFixture infra) : IAsyncLifetime
{
    private IConnection _broker = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _broker = await new ConnectionFactory { Uri = new Uri(infra.AmqpUri) }.CreateConnectionAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        await _broker.CloseAsync(Ct);
        _broker.Dispose();
    }

    [Fact]
    public async Task Publish_is_delivered_over_an_exchange_per_topic_and_a_queue_per_app()
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, appToken: "rabbit-app-token");

        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");

        var e = await node.App.NextAsync("/orders");
        Assert.Equal(1, e.Json.GetProperty("data").GetProperty("n").GetInt32());
        Assert.Equal(topic, e.Json.GetProperty("topic").GetString());
        Assert.Equal("rabbit-app-token", e.Header("dapr-api-token"));
        Assert.Equal("application/cloudevents+json", e.ContentType);

        // Exchange named as the topic: fanout, durable, auto-delete (the component's defaults).
        await AssertExchangeAsync(topic, "fanout", durable: true, autoDelete: true);
        // Queue {consumerID}-{topic}, consumerID = app id, declared as the component declares it, with our consumer.
        var queue = $"{appId}-{topic}";
        var declared = await QueueAsync(queue);
        Assert.Equal(1u, declared.ConsumerCount);
        await AssertQueueArgumentsAsync(queue, durable: true, autoDelete: true, new Dictionary<string, object?> { ["x-queue-type"] = "classic" });
        // Bound to the exchange: a message published straight to it reaches the app.
        await RawPublishAsync(topic, """{"id":"raw-1","specversion":"1.0","source":"raw","type":"t","data":{"n":2}}""");
        Assert.Equal(2, (await node.App.NextAsync("/orders", x => x.Id == "raw-1")).Json.GetProperty("data").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Publish_sets_the_components_amqp_properties_and_leaves_ttl_to_the_broker()
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, null, 0, new() { ["deliveryMode"] = "2", ["ttlInSeconds"] = "30" });
        var tap = await TapAsync(topic);

        await node.Sidecar.PublishOkAsync(
            "pubsub", topic, """{"n":1}""",
            query: "?metadata.ttlInSeconds=60&metadata.priority=3&metadata.messageID=m-1&metadata.correlationID=c-1&metadata.type=t-1");
        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":2}""", query: "?metadata.contentType=application/json");

        var first = await GetAsync(tap);
        Assert.Equal("60000", first.BasicProperties.Expiration);
        Assert.Equal((byte)3, first.BasicProperties.Priority);
        Assert.Equal("m-1", first.BasicProperties.MessageId);
        Assert.Equal("c-1", first.BasicProperties.CorrelationId);
        Assert.Equal("t-1", first.BasicProperties.Type);
        Assert.Equal("text/plain", first.BasicProperties.ContentType);
        Assert.Equal(DeliveryModes.Persistent, first.BasicProperties.DeliveryMode);
        var body = JsonDocument.Parse(first.Body).RootElement;
        // RabbitMQ expires messages itself, so the CloudEvent carries no expiration.
        Assert.False(body.TryGetProperty("expiration", out _));
        Assert.Equal(1, body.GetProperty("data").GetProperty("n").GetInt32());

        var second = await GetAsync(tap);
        Assert.Equal("30000", second.BasicProperties.Expiration);
        Assert.Equal("application/json", second.BasicProperties.ContentType);
    }

    [Fact]
    public async Task Enable_dead_letter_declares_dlx_and_dlq_and_a_nacked_message_ends_in_the_dlq()
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, new() { ["enableDeadLetter"] = "true" });
        node.App.Decide = _ => AppAnswer.Retry;
        var queue = $"{appId}-{topic}";

        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":7}""");

        var delivered = await node.App.NextAsync("/orders");
        await AssertExchangeAsync($"dlx-{queue}", "fanout", durable: true, autoDelete: true);
        await AssertQueueArgumentsAsync($"dlq-{queue}", durable: true, autoDelete: true, new Dictionary<string, object?> { ["x-queue-mode"] = "lazy" });
        await AssertQueueArgumentsAsync(queue, durable: true, autoDelete: true, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "classic",
            ["x-dead-letter-exchange"] = $"dlx-{queue}",
        });
        // RETRY without requeueInFailure: nacked without requeue, so the broker dead-letters it.
        var dead = await GetAsync($"dlq-{queue}");
        Assert.Equal(delivered.Id, JsonDocument.Parse(dead.Body).RootElement.GetProperty("id").GetString());
        Assert.Single(await node.App.SettleAsync("/orders", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Requeue_in_failure_redelivers_after_retry_and_a_failing_status_until_the_app_succeeds()
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, new() { ["requeueInFailure"] = "true" });
        var answers = new Queue<AppAnswer>([AppAnswer.Retry, new AppAnswer(500, "boom"), new AppAnswer(200, """{"status":"SOMETHING"}"""), AppAnswer.Success]);
        node.App.Decide = _ => answers.Count > 0 ? answers.Dequeue() : AppAnswer.Success;

        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");

        var first = await node.App.NextAsync("/orders");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(first.Id, (await node.App.NextAsync("/orders")).Id);
        }

        Assert.Equal(4, (await node.App.SettleAsync("/orders", TimeSpan.FromSeconds(1))).Count);
    }

    [Theory]
    [InlineData(200, """{"status":"DROP"}""")]
    [InlineData(404, null)]
    [InlineData(200, """{"status":"RETRY"}""")]
    [InlineData(503, null)]
    public async Task Failed_event_goes_to_the_dead_letter_topic_and_is_acknowledged(int status, string? body)
    {
        var (appId, topic) = Names();
        var deadTopic = topic + "-dead";
        var subscriptions = $$"""
            [{"pubsubname":"pubsub","topic":"{{topic}}","route":"/orders","deadLetterTopic":"{{deadTopic}}"},
             {"pubsubname":"pubsub","topic":"{{deadTopic}}","route":"/dead"}]
            """;
        // requeueInFailure: had the message been nacked, it would come back.
        await using var node = await StartNodeAsync(appId, subscriptions, 2, new() { ["requeueInFailure"] = "true" });
        node.App.Decide = e => e.Path == "/orders" ? new AppAnswer(status, body) : AppAnswer.Success;

        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");

        var original = await node.App.NextAsync("/orders");
        var dead = await node.App.NextAsync("/dead");
        Assert.Equal(original.Id, dead.Id);
        Assert.Equal(topic, dead.Json.GetProperty("topic").GetString());
        Assert.Single(await node.App.SettleAsync("/orders", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Expired_event_skips_the_app_and_goes_to_the_dead_letter_topic()
    {
        var (appId, topic) = Names();
        var deadTopic = topic + "-dead";
        await using var node = await StartNodeAsync(
            appId, $$"""[{"pubsubname":"pubsub","topic":"{{topic}}","route":"/orders","deadLetterTopic":"{{deadTopic}}"}]""", 1);
        var tap = await TapAsync(deadTopic);

        await node.Sidecar.PublishOkAsync(
            "pubsub", topic, """{"id":"old","specversion":"1.0","source":"s","type":"t","expiration":"2001-01-01T00:00:00Z"}""", "application/cloudevents+json");

        var dead = await GetAsync(tap);
        Assert.Equal("old", JsonDocument.Parse(dead.Body).RootElement.GetProperty("id").GetString());
        Assert.Empty(await node.App.SettleAsync("/orders", TimeSpan.FromMilliseconds(500)));
    }

    [Theory]
    [InlineData("500", 3)]
    [InlineData("503", 1)]
    public async Task Inbound_retry_policy_retries_the_matching_statuses_before_the_broker_hears_of_it(string retriedStatuses, int expectedDeliveries)
    {
        var (appId, topic) = Names();
        var resiliency = $$"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: pubsub-retries
            spec:
              policies:
                retries:
                  deliveries:
                    policy: constant
                    duration: 50ms
                    maxRetries: 2
                    matching:
                      httpStatusCodes: "{{retriedStatuses}}"
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: deliveries
            """;
        await using var node = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, resiliency: resiliency);
        var answers = new Queue<AppAnswer>([new AppAnswer(500), new AppAnswer(500)]);
        node.App.Decide = _ => answers.Count > 0 ? answers.Dequeue() : AppAnswer.Success;

        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");

        await node.App.NextAsync("/orders");
        var deliveries = await node.App.SettleAsync("/orders", TimeSpan.FromSeconds(1));
        Assert.Equal(expectedDeliveries, deliveries.Count);
        Assert.Single(deliveries.Select(d => d.Id).Distinct());
        // Acknowledged after the retries succeeded; nacked (requeueInFailure=false: discarded) when 500 was not retried.
        Assert.Equal(0u, (await QueueAsync($"{appId}-{topic}")).MessageCount);
    }

    [Fact]
    public async Task Publish_message_properties_to_metadata_reaches_the_app_as_headers()
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, new() { ["publishMessagePropertiesToMetadata"] = "true" });

        await node.Sidecar.PublishOkAsync("pubsub", topic, "{}", query: "?metadata.messageID=msg-9&metadata.correlationID=corr-9&metadata.type=kind-9");

        var e = await node.App.NextAsync("/orders");
        Assert.Equal("msg-9", e.Header("metadata.messageid"));
        Assert.Equal("corr-9", e.Header("metadata.correlationid"));
        Assert.Equal("kind-9", e.Header("metadata.type"));
        Assert.Equal("text/plain", e.Header("metadata.contenttype"));
        Assert.Equal("pubsub", e.Header("pubsubname"));
    }

    [Fact]
    public async Task Broker_refusing_the_publish_is_500_and_bulk_publish_lists_every_failed_entry()
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, null, 0);
        // An exchange of another kind under the topic's name: every declare of the component's fanout exchange fails.
        await using (var channel = await _broker.CreateChannelAsync(cancellationToken: Ct))
        {
            await channel.ExchangeDeclareAsync(topic, "direct", durable: false, autoDelete: true, cancellationToken: Ct);
        }

        using var single = await node.Sidecar.PublishAsync("pubsub", topic, "{}");
        using var bulk = await node.Sidecar.BulkPublishAsync("pubsub", topic, """
            [{"entryId":"e1","event":{"n":1},"contentType":"application/json"},{"entryId":"e2","event":"x","contentType":"text/plain"}]
            """);

        var error = await PubSubHttp.AssertDaprErrorAsync(single, 500, "ERR_PUBSUB_PUBLISH_MESSAGE");
        Assert.StartsWith($"error when publishing to topic {topic} in pubsub pubsub: ", error.GetProperty("message").GetString());
        Assert.Equal(500, (int)bulk.StatusCode);
        var body = JsonDocument.Parse(await bulk.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("ERR_PUBSUB_PUBLISH_MESSAGE", body.GetProperty("errorCode").GetString());
        var failed = body.GetProperty("failedEntries").EnumerateArray().ToList();
        Assert.Equal(["e1", "e2"], failed.Select(f => f.GetProperty("entryId").GetString()).Order());
        Assert.All(failed, f => Assert.Contains("PRECONDITION_FAILED", f.GetProperty("error").GetString()));
        await using (var channel = await _broker.CreateChannelAsync(cancellationToken: Ct))
        {
            await channel.ExchangeDeleteAsync(topic, cancellationToken: Ct);
        }
    }

    [Theory]
    [InlineData(null, null, 2)]
    [InlineData("concurrencyMode", "single", 1)]
    [InlineData("prefetchCount", "1", 1)]
    public async Task Deliveries_in_flight_are_bounded_by_concurrency_mode_and_prefetch(string? key, string? value, int inFlight)
    {
        var (appId, topic) = Names();
        var metadata = key is null ? null : new Dictionary<string, string> { [key] = value! };
        await using var node = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, metadata);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.App.Gate = _ => release.Task;

        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");
        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":2}""");

        await node.App.NextAsync("/orders");
        Assert.Equal(inFlight, (await node.App.SettleAsync("/orders", TimeSpan.FromSeconds(1))).Count);
        release.SetResult();
        await WaitUntilAsync(() => Task.FromResult(node.App.All.Count == 2), "both deliveries");
        await WaitUntilAsync(async () => (await QueueAsync($"{appId}-{topic}")).MessageCount == 0, "both acknowledged");
    }

    [Fact]
    public async Task Auto_ack_acknowledges_on_delivery_so_a_failure_is_not_redelivered()
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, new() { ["autoAck"] = "true", ["requeueInFailure"] = "true" });
        node.App.Decide = _ => AppAnswer.Retry;

        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");

        await node.App.NextAsync("/orders");
        Assert.Single(await node.App.SettleAsync("/orders", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Two_sidecars_of_one_app_share_the_queue_as_competing_consumers()
    {
        var (appId, topic) = Names();
        await using var first = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1);
        await using var second = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1);
        Assert.Equal(2u, (await QueueAsync($"{appId}-{topic}")).ConsumerCount);

        for (var i = 0; i < 20; i++)
        {
            await first.Sidecar.PublishOkAsync("pubsub", topic, $$"""{"n":{{i}}}""");
        }

        await WaitUntilAsync(() => Task.FromResult(first.App.All.Count + second.App.All.Count >= 20), "20 deliveries");
        await Task.Delay(500, Ct);
        var all = first.App.All.Concat(second.App.All).Select(e => e.Json.GetProperty("data").GetProperty("n").GetInt32()).Order().ToList();
        // Every message exactly once across the two, and both got work.
        Assert.Equal(Enumerable.Range(0, 20), all);
        Assert.NotEmpty(first.App.All);
        Assert.NotEmpty(second.App.All);
    }

    [Fact]
    public async Task Two_apps_each_get_every_message()
    {
        var (appId, topic) = Names();
        await using var one = await StartNodeAsync(appId + "-a", Subscription(topic, "/orders"), 1);
        await using var two = await StartNodeAsync(appId + "-b", Subscription(topic, "/orders"), 1);

        for (var i = 0; i < 5; i++)
        {
            await one.Sidecar.PublishOkAsync("pubsub", topic, $$"""{"n":{{i}}}""");
        }

        foreach (var node in new[] { one, two })
        {
            var ns = new List<int>();
            for (var i = 0; i < 5; i++)
            {
                ns.Add((await node.App.NextAsync("/orders")).Json.GetProperty("data").GetProperty("n").GetInt32());
            }

            Assert.Equal(Enumerable.Range(0, 5), ns.Order());
        }
    }

    [Fact]
    public async Task Message_in_flight_when_the_sidecar_dies_is_redelivered_to_the_next_one()
    {
        var (appId, topic) = Names();
        var queue = $"{appId}-{topic}";
        // The queue must outlive its consumer, or the broker deletes it (and the message) with the dead sidecar.
        var durableQueue = new Dictionary<string, string> { ["deletedWhenUnused"] = "false" };
        try
        {
            var first = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, durableQueue);
            string id;
            await using (first)
            {
                first.App.Decide = _ => null; // the app never answers
                await first.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");
                id = (await first.App.NextAsync("/orders")).Id;
                // Not acknowledged while the app has not answered.
                Assert.Equal(0u, (await QueueAsync(queue)).MessageCount);
            }

            await using var second = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, durableQueue);

            Assert.Equal(id, (await second.App.NextAsync("/orders")).Id);
            await WaitUntilAsync(async () => (await QueueAsync(queue)).MessageCount == 0, "the redelivered message is acknowledged");
        }
        finally
        {
            await using var channel = await _broker.CreateChannelAsync(cancellationToken: Ct);
            await channel.QueueDeleteAsync(queue, cancellationToken: Ct);
            await channel.ExchangeDeleteAsync(topic, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task Lost_connection_is_reestablished_and_the_subscription_resumes()
    {
        var (appId, topic) = Names();
        await using var proxy = new TcpProxy(infra.AmqpPort);
        var viaProxy = new UriBuilder(infra.AmqpUri) { Port = proxy.Port }.Uri.ToString();
        await using var node = await StartNodeAsync(
            appId, Subscription(topic, "/orders"), 1, new() { ["connectionString"] = viaProxy, ["reconnectWaitSeconds"] = "1" });
        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");
        await node.App.NextAsync("/orders");
        var connectionsBefore = proxy.Accepted;

        proxy.CutConnections();
        await WaitUntilAsync(async () => proxy.Accepted > connectionsBefore && await ConsumersAsync($"{appId}-{topic}") == 1, "the sidecar consumes again");
        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":2}""");

        Assert.Equal(2, (await node.App.NextAsync("/orders")).Json.GetProperty("data").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Deleted_queue_is_declared_again_and_consumed()
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, Subscription(topic, "/orders"), 1, new() { ["reconnectWaitSeconds"] = "1" });
        var queue = $"{appId}-{topic}";

        await using (var channel = await _broker.CreateChannelAsync(cancellationToken: Ct))
        {
            await channel.QueueDeleteAsync(queue, cancellationToken: Ct);
        }

        await WaitUntilAsync(async () => await ConsumersAsync(queue) == 1, "the queue is declared and consumed again");
        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":3}""");
        Assert.Equal(3, (await node.App.NextAsync("/orders")).Json.GetProperty("data").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Subscription_metadata_names_the_queue_and_sets_its_arguments()
    {
        var (appId, topic) = Names();
        var queue = appId + "-custom-queue";
        var subscriptions = $$$"""
            [{"pubsubname":"pubsub","topic":"{{{topic}}}","route":"/orders","metadata":{
               "queueName":"{{{queue}}}","maxPriority":"5","singleActiveConsumer":"true","maxLen":"100","routingKey":"a,b"} }]
            """;
        await using var node = await StartNodeAsync(appId, subscriptions, 1, new() { ["exchangeKind"] = "direct" });

        await AssertQueueArgumentsAsync(queue, durable: true, autoDelete: true, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "classic",
            ["x-max-priority"] = 5,
            ["x-single-active-consumer"] = true,
            ["x-max-length"] = 100L,
        });
        await Assert.ThrowsAsync<OperationInterruptedException>(() => AssertQueueArgumentsAsync(queue, true, true, new Dictionary<string, object?> { ["x-queue-type"] = "classic" }));
        await AssertExchangeAsync(topic, "direct", durable: true, autoDelete: true);

        // Bound with each routing key: "b" arrives, "c" does not.
        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"key":"c"}""", query: "?metadata.routingKey=c");
        await node.Sidecar.PublishOkAsync("pubsub", topic, """{"key":"b"}""", query: "?metadata.routingKey=b");
        Assert.Equal("b", (await node.App.NextAsync("/orders")).Json.GetProperty("data").GetProperty("key").GetString());
        Assert.Single(await node.App.SettleAsync("/orders", TimeSpan.FromMilliseconds(500)));
    }

    [Theory]
    [InlineData("true", 500)]
    [InlineData("false", 204)]
    public async Task Publisher_confirm_turns_a_broker_nack_into_a_failed_publish(string publisherConfirm, int secondPublishStatus)
    {
        var (appId, topic) = Names();
        await using var node = await StartNodeAsync(appId, null, 0, new() { ["publisherConfirm"] = publisherConfirm });
        // A full queue that rejects further publishes: the broker nacks what it cannot enqueue.
        await using (var channel = await _broker.CreateChannelAsync(cancellationToken: Ct))
        {
            await channel.ExchangeDeclareAsync(topic, "fanout", durable: true, autoDelete: true, cancellationToken: Ct);
            var queue = infra.UniqueName("full");
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false, new Dictionary<string, object?>
            {
                ["x-max-length"] = 1,
                ["x-overflow"] = "reject-publish",
            }, cancellationToken: Ct);
            await channel.QueueBindAsync(queue, topic, "", cancellationToken: Ct);

            await node.Sidecar.PublishOkAsync("pubsub", topic, """{"n":1}""");
            using var second = await node.Sidecar.PublishAsync("pubsub", topic, """{"n":2}""");

            Assert.Equal(secondPublishStatus, (int)second.StatusCode);
            if (secondPublishStatus == 500)
            {
                await PubSubHttp.AssertDaprErrorAsync(second, 500, "ERR_PUBSUB_PUBLISH_MESSAGE");
            }

            Assert.Equal(1u, (await channel.QueueDeclarePassiveAsync(queue, Ct)).MessageCount);
        }
    }

    [Fact]
    public async Task Unreachable_broker_fails_the_sidecars_start()
    {
        var closedPort = FreePort.Get();
        using var resources = new ResourcesDirectory()
            .AddRabbitMqPubSub($"amqp://guest:guest@127.0.0.1:{closedPort}");

        var error = await Assert.ThrowsAsync<TimeoutException>(() => SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = "rabbit-down", ResourcesPaths = [resources.Path] }, Ct));

        Assert.Contains("exited with code 1", error.Message);
        Assert.Contains("pubsub.rabbitmq", error.Message);
    }

    private (string AppId, string Topic) Names() => (infra.UniqueName("rmq-app"), infra.UniqueName("topic"));

    private static string Subscription(string topic, string route) =>
        $$"""[{"pubsubname":"pubsub","topic":"{{topic}}","route":"{{route}}"}]""";

    private Task<PubSubNode> StartNodeAsync(
        string appId, string? subscriptions, int expected, Dictionary<string, string>? metadata = null, string? appToken = null, string? resiliency = null) =>
        PubSubNode.StartAsync(
            appId,
            r =>
            {
                r.AddRabbitMqPubSub(infra.AmqpUri, extraMetadata: metadata);
                if (resiliency is not null)
                {
                    r.AddFile("resiliency.yaml", resiliency);
                }
            },
            subscriptions,
            expected,
            appToken);

    private async Task AssertExchangeAsync(string name, string kind, bool durable, bool autoDelete)
    {
        // A declare with the same properties succeeds; a different kind is refused (406), so the kind is the one given.
        await using (var channel = await _broker.CreateChannelAsync(cancellationToken: Ct))
        {
            await channel.ExchangeDeclareAsync(name, kind, durable, autoDelete, cancellationToken: Ct);
        }

        await using var other = await _broker.CreateChannelAsync(cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<OperationInterruptedException>(
            () => other.ExchangeDeclareAsync(name, kind == "fanout" ? "topic" : "fanout", durable, autoDelete, cancellationToken: Ct));
        Assert.Equal((ushort)406, error.ShutdownReason?.ReplyCode);
    }

    /// <summary>Declaring an existing queue with other properties or arguments fails (406): these are its own.</summary>
    private async Task AssertQueueArgumentsAsync(string queue, bool durable, bool autoDelete, Dictionary<string, object?> arguments)
    {
        await using var channel = await _broker.CreateChannelAsync(cancellationToken: Ct);
        await channel.QueueDeclareAsync(queue, durable, exclusive: false, autoDelete, arguments, cancellationToken: Ct);
    }

    private async Task<QueueDeclareOk> QueueAsync(string queue)
    {
        await using var channel = await _broker.CreateChannelAsync(cancellationToken: Ct);
        return await channel.QueueDeclarePassiveAsync(queue, Ct);
    }

    private async Task<uint> ConsumersAsync(string queue)
    {
        try
        {
            return (await QueueAsync(queue)).ConsumerCount;
        }
        catch (OperationInterruptedException)
        {
            return 0;
        }
    }

    private async Task RawPublishAsync(string exchange, string body)
    {
        await using var channel = await _broker.CreateChannelAsync(cancellationToken: Ct);
        await channel.BasicPublishAsync(exchange, "", Encoding.UTF8.GetBytes(body), Ct);
    }

    /// <summary>A queue of the test's own bound to the topic's exchange (declared as the component declares it).</summary>
    private async Task<string> TapAsync(string topic)
    {
        await using var channel = await _broker.CreateChannelAsync(cancellationToken: Ct);
        await channel.ExchangeDeclareAsync(topic, "fanout", durable: true, autoDelete: true, cancellationToken: Ct);
        var queue = infra.UniqueName("tap");
        // Exclusive: it goes away with this test's connection.
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false, cancellationToken: Ct);
        await channel.QueueBindAsync(queue, topic, "", cancellationToken: Ct);
        return queue;
    }

    private async Task<BasicGetResult> GetAsync(string queue)
    {
        await using var channel = await _broker.CreateChannelAsync(cancellationToken: Ct);
        BasicGetResult? result = null;
        await WaitUntilAsync(async () => (result = await channel.BasicGetAsync(queue, autoAck: true, Ct)) is not null, $"a message in {queue}");
        return result!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        if (!await Eventually.ReturnsAsync(condition, TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
    }
}
