using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>One benchmark scenario: measures a baseline and the sidecar path in the same run and reports both.</summary>
public interface IScenario
{
    /// <summary>The name on the command line (invoke, state, pubsub, workflow).</summary>
    string Name { get; }

    /// <summary>Whether the scenario needs Redis/RabbitMQ.</summary>
    bool NeedsServers { get; }

    /// <summary>How many load runs (warmup + duration each) the scenario makes with one load mode, to bound the whole run.</summary>
    int VariantCount => 2;

    /// <summary>Whether the scenario runs once per <see cref="BenchmarkContext.Modes"/> (closed loop, fixed rate).</summary>
    bool UsesLoadModes => true;

    /// <summary>Time beyond its variants the scenario may need (starting and reading back a whole platform), to bound the whole run.</summary>
    TimeSpan SetupTime => TimeSpan.Zero;

    Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken);
}

/// <param name="PayloadSize">Bytes of a request body, state value or message.</param>
/// <summary>How a scenario drives its variants: the closed loop (most the path can do) or a fixed rate.</summary>
/// <param name="Name">"max" or e.g. "1000/s"; appended to row labels.</param>
public sealed record LoadMode(string Name, LoadSettings Load)
{
    public bool IsFixedRate => Load.RatePerSecond is not null;

    public string Suffix => $" [{Name}]";
}

/// <param name="WorkflowConcurrency">Workflows in flight at once in the workflow scenario.</param>
/// <param name="Rate">Requests per second of the fixed-rate mode; 0 for none.</param>
public sealed record BenchmarkContext(BenchmarkEnvironment Environment, LoadSettings Load, int PayloadSize, int WorkflowConcurrency, int Rate, TextWriter Log)
{
    /// <summary>Orders per second of the orders scenario's fixed-rate phase.</summary>
    public int OrderRate { get; init; } = BenchmarkOptions.DefaultOrderRate;

    /// <summary>Orders in flight in the orders scenario's closed loop.</summary>
    public int OrdersInFlight { get; init; } = BenchmarkOptions.DefaultOrdersInFlight;

    /// <summary>
    /// The fixed rate (unless --rate 0), then the closed loop: the fixed rate's memory figures are those of processes
    /// that have seen only that load, not what the closed loop left them holding.
    /// </summary>
    public IReadOnlyList<LoadMode> Modes =>
        Rate > 0
            ? [new LoadMode($"{Rate}/s", Load with { RatePerSecond = Rate }), new LoadMode("max", Load)]
            : [new LoadMode("max", Load)];

    /// <summary>The mode the targets are judged in: the fixed rate when there is one, as in Dapr's published figures.</summary>
    public LoadMode TargetMode => Modes[0];

    private const int ProfileLines = 45;

    /// <summary>
    /// Runs one variant and logs its headline figures as soon as they are known. With --profile, the processes in
    /// <paramref name="profiled"/> are sampled with perf during the measured window and their hottest functions logged.
    /// </summary>
    public async Task<LoadResult> MeasureAsync(
        string label, LoadOperation operation, CancellationToken cancellationToken, IReadOnlyList<int>? profiled = null, LoadSettings? settings = null)
    {
        var load = settings ?? Load;
        Log.WriteLine($"  {label}: {load.Concurrency} concurrent, {load.Warmup.TotalSeconds:0.#} s warmup + {load.Duration.TotalSeconds:0.#} s (load average {MachineFacts.LoadAverage()})");
        Task<LoadResult> running = LoadGenerator.RunAsync(label, load, operation, cancellationToken);
        LoadResult result;
        if (Environment.Profile && profiled is { Count: > 0 })
        {
            await Task.Delay(load.Warmup, cancellationToken);
            await using var profiler = PerfProfiler.Start(profiled, Path.Combine(Path.GetTempPath(), $"daprplatform-perf-{Guid.NewGuid():N}.data"), load.Duration);
            result = await running;
            var hottest = await profiler.StopAsync(profiled, ProfileLines);
            Log.WriteLine($"    profiled processes: {profiler.CountsPerOperation(result.Operations)}; hottest functions (self time):");
            Log.WriteLine(hottest);
        }
        else
        {
            result = await running;
        }

        var summary = result.Latency.Summarize();
        Log.WriteLine($"    {result.OperationsPerSecond:0} ops/s, p50 {summary.P50:0.00} ms, p99 {summary.P99:0.00} ms, {result.Errors} errors{(result.FirstError is null ? "" : $" (first: {result.FirstError})")}");
        return result;
    }
}
