using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DaprPlatform.Benchmarks.EchoApp;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>
/// Pub/sub over RabbitMQ: publishers send timestamped messages and the subscriber records end-to-end latency.
/// Baseline: RabbitMQ.Client publishing with confirms to a fanout exchange, consumed with manual acks. Sidecar path:
/// <c>POST /v1.0/publish</c> (pubsub.rabbitmq with publisherConfirm) delivered as CloudEvents to a subscriber app.
/// </summary>
public sealed class PubSubScenario : IScenario
{
    private const string AppId = "bench-pubsub";
    private const string PubSubName = "pubsub";
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public string Name => "pubsub";

    public bool NeedsServers => true;

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var environment = context.Environment;
        var amqpUri = environment.Infrastructure.AmqpUri;
        var topic = $"bench-{Guid.NewGuid():N}"[..18];

        context.Log.WriteLine("Pub/sub (publish -> deliver)");
        var direct = new List<(LoadResult Publish, DeliveryOutcome Delivery)>();
        foreach (var mode in context.Modes)
        {
            direct.Add(await MeasureDirectAsync(context, mode, amqpUri, $"{topic}-direct-{direct.Count}", cancellationToken));
        }

        var app = environment.Own(await AppProcess.StartAsync(environment, cancellationToken));
        var resources = environment.CreateResources()
            .AddRabbitMqPubSub(amqpUri, PubSubName, new Dictionary<string, string> { ["publisherConfirm"] = "true" })
            .AddSubscription("bench-subscription", PubSubName, topic, BenchmarkApp.EventsPath, scopes: [AppId]);
        var sidecar = await environment.StartSidecarAsync(AppId, app.Port, resources.Path, cancellationToken);
        var idle = SidecarMemory.ReadIdle(sidecar);

        using var client = LoadClient.Create(sidecar.HttpEndpoint, context.Load.Concurrency);
        using var stats = LoadClient.Create(app.BaseAddress, 1);
        var json = new MediaTypeHeaderValue("application/json");
        var publishUri = new Uri($"v1.0/publish/{PubSubName}/{topic}", UriKind.Relative);
        LoadOperation publish = async (worker, ct) =>
        {
            using var content = new ByteArrayContent(LatencyMessage.Create(Phase(worker), context.PayloadSize));
            content.Headers.ContentType = json;
            using var response = await client.PostAsync(publishUri, content, ct);
            await LoadClient.DrainAsync(response, 204, ct);
        };

        var report = new ScenarioReport(
            "Pub/sub: publish -> deliver (pubsub.rabbitmq)",
            $"{context.Load.Concurrency} concurrent publishers, each publishing a {context.PayloadSize}-byte JSON message carrying its send time and awaiting the publish result before the next: as fast as they can [max], and at a fixed rate. Baseline: RabbitMQ.Client 7.1.2, one channel with publisher confirms per publisher, a fanout exchange, a consumer acking after recording. Sidecar path: `POST /v1.0/publish/{PubSubName}/{{topic}}` (publisherConfirm: true) -> RabbitMQ -> the same sidecar -> CloudEvent POST to a subscriber app (separate process, declarative subscription). End-to-end latency is send time to the subscriber's receipt.");
        for (var m = 0; m < context.Modes.Count; m++)
        {
            var mode = context.Modes[m];
            (await stats.DeleteAsync(BenchmarkApp.StatsPath, cancellationToken)).EnsureSuccessStatusCode();
            await using var sampler = new ProcessSampler([SampledProcess.Sidecar("sidecar", sidecar), ("subscriber app", app.Pid)]);
            var sidecarPublish = await context.MeasureAsync($"sidecar publish (pubsub.rabbitmq){mode.Suffix}", publish, cancellationToken, [sidecar.Process.Id], mode.Load);
            var sidecarDelivery = await WaitForDeliveriesAsync(
                sidecarPublish,
                async ct => (await stats.GetFromJsonAsync(BenchmarkApp.StatsPath, BenchmarkJsonContext.Default.DeliveryStats, ct))!,
                cancellationToken);
            var usage = await sampler.StopAsync();

            var (directPublish, directDelivery) = direct[m];
            var publishBase = report.Add(ReportRow.From(directPublish, $"direct: publish (confirmed){mode.Suffix}"));
            var publishDapr = report.Add(ReportRow.From(sidecarPublish, $"sidecar: publish (HTTP 204){mode.Suffix}"));
            var deliveryBase = report.Add(directDelivery.Row($"direct: end-to-end delivery{mode.Suffix}"));
            var deliveryDapr = report.Add(sidecarDelivery.Row($"sidecar: end-to-end delivery{mode.Suffix}"));
            report.Compare($"publish{mode.Suffix}", publishBase, publishDapr);
            report.Compare($"end-to-end delivery{mode.Suffix}", deliveryBase, deliveryDapr);
            SidecarMemory.Report(report, mode.Name, usage, sidecarPublish.AllOperations, SidecarMemory.TargetFor(mode));
        }

        report.Note("ops/s of a delivery row is messages delivered per second over the measured window; 'errors' there counts measured messages that never arrived.");
        report.Note("CPU ms/op of the sidecar covers the publish and the delivery of one message.");
        report.Note("Dapr 1.17 published (Kubernetes, 1000 requests/s): gRPC publish p50 0.60 ms, p90 0.94 ms, p99 1.87 ms; HTTP publish p50 0.35 ms, p90 0.42 ms over 1,606 operations. No end-to-end delivery figure is published.");
        SidecarMemory.NoteIdle(report, idle);
        return [report];
    }

    private static int Phase(LoadWorker worker) => worker.Measuring ? LatencyMessage.MeasuredPhase : LatencyMessage.WarmupPhase;

    private static async Task<(LoadResult Publish, DeliveryOutcome Delivery)> MeasureDirectAsync(
        BenchmarkContext context, LoadMode mode, string amqpUri, string exchange, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUri), ClientProvidedName = "bench-direct" };
        await using var publisherConnection = await factory.CreateConnectionAsync(cancellationToken);
        await using var consumerConnection = await factory.CreateConnectionAsync(cancellationToken);

        var recorder = new DeliveryRecorder();
        await using var consumerChannel = await consumerConnection.CreateChannelAsync(cancellationToken: cancellationToken);
        await consumerChannel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: true, cancellationToken: cancellationToken);
        var queue = (await consumerChannel.QueueDeclareAsync(exchange, durable: true, exclusive: false, autoDelete: true, cancellationToken: cancellationToken)).QueueName;
        await consumerChannel.QueueBindAsync(queue, exchange, "", cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            recorder.Record(delivery.Body.Span);
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken);

        var channels = new IChannel[context.Load.Concurrency];
        for (var i = 0; i < channels.Length; i++)
        {
            channels[i] = await publisherConnection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        }

        try
        {
            var properties = new BasicProperties { ContentType = "application/json" };
            LoadOperation publish = async (worker, ct) =>
                await channels[worker.Index].BasicPublishAsync(
                    exchange, "", mandatory: false, properties, LatencyMessage.Create(Phase(worker), context.PayloadSize), ct);

            var result = await context.MeasureAsync($"RabbitMQ.Client direct{mode.Suffix}", publish, cancellationToken, settings: mode.Load);
            var delivery = await WaitForDeliveriesAsync(result, _ => Task.FromResult(recorder.Snapshot()), cancellationToken);
            return (result, delivery);
        }
        finally
        {
            foreach (var channel in channels)
            {
                await channel.DisposeAsync();
            }
        }
    }

    /// <summary>Waits until every measured message arrived (or the drain timeout passed) and summarizes the deliveries.</summary>
    private static async Task<DeliveryOutcome> WaitForDeliveriesAsync(LoadResult publish, Func<CancellationToken, Task<DeliveryStats>> read, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var stats = await read(cancellationToken);
            if (stats.LatenciesMicroseconds.Length >= publish.Operations || Stopwatch.GetTimestamp() > deadline)
            {
                var seconds = (double)(stats.LastMeasuredAt - publish.MeasureStartTimestamp) / Stopwatch.Frequency;
                var delivered = stats.LatenciesMicroseconds.Length;
                return new DeliveryOutcome(stats.ToHistogram(), seconds > 0 ? delivered / seconds : 0, Math.Max(0, publish.Operations - delivered));
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private sealed record DeliveryOutcome(LatencyHistogram Latency, double DeliveredPerSecond, long Missing)
    {
        public ReportRow Row(string label) =>
            new(label, DeliveredPerSecond, Latency.Summarize(), Missing, Missing > 0 ? "not delivered within the drain timeout" : null);
    }
}
