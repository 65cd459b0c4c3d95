using System.Diagnostics;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>
/// Start to healthy: from starting a sidecar process to its first 204 from GET /v1.0/healthz/outbound (every
/// component initialized), with the components a platform service loads (state.redis and pubsub.rabbitmq on the run's
/// servers), polled every millisecond; then the sidecar's RSS at that moment. Several starts, one after another.
/// </summary>
public sealed class StartupScenario : IScenario
{
    /// <summary>Issue 13: from process start to healthy within 200 ms (the JIT build took about 600 ms).</summary>
    public const double TargetMs = 200;

    private const int Starts = 10;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(1);

    public string Name => "startup";

    public bool NeedsServers => true;

    public int VariantCount => 1;

    public bool UsesLoadModes => false;

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var environment = context.Environment;
        var resources = environment.CreateResources()
            .AddRedisStateStore(environment.Infrastructure.RedisHost, "statestore")
            .AddRabbitMqPubSub(environment.Infrastructure.AmqpUri, "pubsub");
        context.Log.WriteLine($"Startup: {Starts} sidecar starts");

        var histogram = new LatencyHistogram();
        var times = new List<double>(Starts);
        var rss = new List<double>(Starts);
        for (var i = 0; i < Starts; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var sidecar = await environment.StartSidecarAsync($"bench-startup-{i}", appPort: null, resources.Path, cancellationToken, Poll);
            var elapsed = Stopwatch.GetElapsedTime(started);
            histogram.Record((long)elapsed.TotalMicroseconds);
            times.Add(elapsed.TotalMilliseconds);
            rss.Add(SidecarMemory.ReadIdle(sidecar)[0].RssMb);
            await sidecar.StopAsync();
        }

        var summary = histogram.Summarize();
        var median = Median(times);
        context.Log.WriteLine($"    median {median:0} ms, fastest {times.Min():0} ms, slowest {times.Max():0} ms");
        var report = new ScenarioReport(
            "Sidecar startup",
            $"{Starts} starts of a sidecar with state.redis and pubsub.rabbitmq (the run's servers), one after another: from starting the process to its first 204 from `GET /v1.0/healthz/outbound` (every component initialized), polled every millisecond. Latency here is the start-to-healthy time of each start.");
        // No throughput here: the starts run one after another on purpose.
        report.Add(new ReportRow("process start -> healthy", double.NaN, summary, 0));
        report.Target("start to healthy (median)", $"{ScenarioReport.F0(median)} ms", $"<= {TargetMs} ms", median <= TargetMs);
        report.Note($"Each start in ms: {string.Join(", ", times.Select(t => ScenarioReport.F0(t)))}; RSS when healthy: median {ScenarioReport.F1(Median(rss))} MB.");
        return [report];
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
