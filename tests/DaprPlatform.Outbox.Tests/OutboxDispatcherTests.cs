using System.Text.Json;
using DaprPlatform.Testing;
using RabbitMQ.Client;

namespace DaprPlatform.Outbox.Tests;

/// <summary>
/// The dispatcher against real PostgreSQL and a real sidecar on real RabbitMQ: what it publishes is read back from
/// a queue bound to the topic's exchange, as Dapr's RabbitMQ component lays it out.
/// </summary>
public sealed class OutboxDispatcherTests(InfraFixture infra) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ResourcesDirectory _resources = new();
    private SidecarProcess _sidecar = null!;
    private OutboxHost _outbox = null!;
    private IConnection _broker = null!;

    public async ValueTask InitializeAsync()
    {
        _resources.AddRabbitMqPubSub(infra.AmqpUri);
        _sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = infra.UniqueName("outbox"), ResourcesPaths = [_resources.Path] }, Ct);
        _outbox = await OutboxHost.CreateAsync(infra);
        _broker = await new ConnectionFactory { Uri = new Uri(infra.AmqpUri) }.CreateConnectionAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        await _outbox.DisposeAsync();
        await _sidecar.DisposeAsync();
        _resources.Dispose();
    }

    [Fact]
    public async Task Committed_events_are_published_in_order_as_cloud_events_with_their_ids_and_marked_published()
    {
        var topic = infra.UniqueName("notes");
        await using var queue = await TopicQueue.BindAsync(_broker, topic);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _outbox.WriteAsync(topic, $"note {i}"));
        }

        var claimed = await _outbox.Dispatcher(_sidecar.GrpcPort).DispatchBatchAsync(Ct);
        var received = await queue.TakeAsync(3);

        Assert.Equal(3, claimed);
        Assert.Equal(ids.Select(id => id.ToString()), received.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(["note 0", "note 1", "note 2"], received.Select(e => e.GetProperty("data").GetProperty("text").GetString()));
        Assert.All(await _outbox.MessagesAsync(), m => Assert.NotNull(m.PublishedAt));
    }

    [Fact]
    public async Task An_event_whose_transaction_rolled_back_is_never_published()
    {
        var topic = infra.UniqueName("notes");
        await using var queue = await TopicQueue.BindAsync(_broker, topic);
        await _outbox.WriteAsync(topic, "rolled back", commit: false);
        var kept = await _outbox.WriteAsync(topic, "kept");

        await _outbox.Dispatcher(_sidecar.GrpcPort).DispatchBatchAsync(Ct);
        var received = await queue.TakeAsync(1);

        Assert.Equal(kept.ToString(), Assert.Single(received).GetProperty("id").GetString());
        Assert.Empty(await queue.TakeAsync(1, TimeSpan.FromMilliseconds(500)));
        Assert.Single(await _outbox.MessagesAsync());
    }

    [Fact]
    public async Task Dispatchers_of_two_instances_share_the_table_without_publishing_a_row_twice()
    {
        var topic = infra.UniqueName("notes");
        await using var queue = await TopicQueue.BindAsync(_broker, topic);
        const int count = 150;
        for (var i = 0; i < count; i++)
        {
            await _outbox.WriteAsync(topic, $"note {i}");
        }

        var (first, second) = (_outbox.Dispatcher(_sidecar.GrpcPort), _outbox.Dispatcher(_sidecar.GrpcPort));
        async Task<int> DrainAsync(OutboxDispatcher<NotesContext> dispatcher)
        {
            var total = 0;
            int claimed;
            while ((claimed = await dispatcher.DispatchBatchAsync(Ct)) > 0)
            {
                total += claimed;
            }

            return total;
        }

        var claims = await Task.WhenAll(DrainAsync(first), DrainAsync(second));
        var received = await queue.TakeAsync(count);

        Assert.Equal(count, claims.Sum());
        Assert.Equal(count, received.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        Assert.Empty(await queue.TakeAsync(1, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task A_failed_publish_keeps_the_event_pending_with_a_backoff_and_a_later_round_publishes_it_once()
    {
        var topic = infra.UniqueName("notes");
        await using var queue = await TopicQueue.BindAsync(_broker, topic);
        var id = await _outbox.WriteAsync(topic, "while the sidecar is away");

        var before = DateTimeOffset.UtcNow;
        await _outbox.Dispatcher(FreePort.Get(), firstRetryDelay: TimeSpan.FromMilliseconds(200)).DispatchBatchAsync(Ct);
        var pending = Assert.Single(await _outbox.MessagesAsync());
        var live = _outbox.Dispatcher(_sidecar.GrpcPort);
        var claimedTooEarly = await live.DispatchBatchAsync(Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(400), Ct);
        var claimedLater = await live.DispatchBatchAsync(Ct);
        var received = await queue.TakeAsync(1);

        Assert.Null(pending.PublishedAt);
        Assert.Equal(1, pending.Attempts);
        Assert.NotNull(pending.LastError);
        Assert.True(pending.NextAttemptAt >= before + TimeSpan.FromMilliseconds(200), $"next attempt {pending.NextAttemptAt:O}, failed after {before:O}");
        Assert.Equal((0, 1), (claimedTooEarly, claimedLater));
        Assert.Equal(id.ToString(), Assert.Single(received).GetProperty("id").GetString());
        Assert.NotNull(Assert.Single(await _outbox.MessagesAsync()).PublishedAt);
    }

    /// <summary>A queue of the test's own, bound to the topic's exchange (declared as the sidecar declares it).</summary>
    private sealed class TopicQueue(IChannel channel, string queue) : IAsyncDisposable
    {
        public static async Task<TopicQueue> BindAsync(IConnection broker, string topic)
        {
            var channel = await broker.CreateChannelAsync(cancellationToken: Ct);
            await channel.ExchangeDeclareAsync(topic, "fanout", durable: true, autoDelete: true, cancellationToken: Ct);
            var queue = (await channel.QueueDeclareAsync(cancellationToken: Ct)).QueueName;
            await channel.QueueBindAsync(queue, topic, "", cancellationToken: Ct);
            return new TopicQueue(channel, queue);
        }

        /// <summary>Up to <paramref name="count"/> CloudEvents, waiting at most <paramref name="timeout"/> (10 s) for them.</summary>
        public async Task<List<JsonElement>> TakeAsync(int count, TimeSpan? timeout = null)
        {
            var events = new List<JsonElement>();
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
            while (events.Count < count && DateTime.UtcNow < deadline)
            {
                if (await channel.BasicGetAsync(queue, autoAck: true, Ct) is { } message)
                {
                    events.Add(JsonDocument.Parse(message.Body).RootElement.Clone());
                }
                else
                {
                    await Task.Delay(20, Ct);
                }
            }

            return events;
        }

        public async ValueTask DisposeAsync() => await channel.DisposeAsync();
    }
}
