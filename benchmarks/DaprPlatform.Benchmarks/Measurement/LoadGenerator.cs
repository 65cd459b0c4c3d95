using System.Diagnostics;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>How hard and how long to drive one variant: fixed concurrency, a warmup, then a bounded measurement.</summary>
/// <param name="MaxOperations">Stops the measurement early once this many operations were measured.</param>
/// <param name="RatePerSecond">
/// Null: a closed loop, each worker starting its next operation as soon as the last ended (the most the path can do).
/// Otherwise the workers together start this many operations per second on a fixed schedule, like fortio's -qps in
/// Dapr's perf tests; latency is then measured at a known, moderate load rather than at saturation.
/// </param>
public sealed record LoadSettings(int Concurrency, TimeSpan Warmup, TimeSpan Duration, long? MaxOperations, double? RatePerSecond = null);

/// <summary>One operation of a worker; throwing counts an error.</summary>
public delegate ValueTask LoadOperation(LoadWorker worker, CancellationToken cancellationToken);

/// <summary>
/// A closed-loop load generator: <see cref="LoadSettings.Concurrency"/> workers each run the operation back to back.
/// Operations that start during the warmup are not recorded; those that start within the measured window are, each
/// worker into its own histogram (no shared state on the hot path). The run stops itself at the end of the window,
/// after the operation limit, or after too many errors.
/// </summary>
public static class LoadGenerator
{
    private const int MaxErrors = 200;

    public static async Task<LoadResult> RunAsync(string label, LoadSettings settings, LoadOperation operation, CancellationToken cancellationToken)
    {
        var frequency = Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        var measureStart = start + (long)(settings.Warmup.TotalSeconds * frequency);
        var measureEnd = measureStart + (long)(settings.Duration.TotalSeconds * frequency);
        var shared = new SharedState(settings.MaxOperations ?? long.MaxValue);
        var workers = Enumerable.Range(0, settings.Concurrency).Select(i => new LoadWorker(i, measureStart)).ToArray();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Paced workers take turns: worker i starts at i/concurrency of the interval.
        var interval = settings.RatePerSecond is { } rate ? (long)(frequency * settings.Concurrency / rate) : 0;
        var tasks = workers
            .Select(w => Task.Run(
                () => WorkAsync(w, operation, measureStart, measureEnd, new Pacer(start + interval * w.Index / settings.Concurrency, interval), shared, stop),
                CancellationToken.None))
            .ToArray();
        await Task.WhenAll(tasks);
        cancellationToken.ThrowIfCancellationRequested();

        var total = new LatencyHistogram();
        var stages = new Dictionary<string, LatencyHistogram>(StringComparer.Ordinal);
        var lastCompletion = measureStart;
        long allOperations = 0;
        foreach (var worker in workers)
        {
            allOperations += worker.Sequence;
            total.Add(worker.Total);
            lastCompletion = Math.Max(lastCompletion, worker.LastCompletion);
            foreach (var (name, histogram) in worker.Stages)
            {
                if (!stages.TryGetValue(name, out var merged))
                {
                    stages[name] = merged = new LatencyHistogram();
                }

                merged.Add(histogram);
            }
        }

        var elapsed = TimeSpan.FromSeconds((double)(lastCompletion - measureStart) / frequency);
        return new LoadResult(
            label,
            settings.Concurrency,
            total.Count,
            shared.Errors,
            elapsed,
            total,
            stages,
            shared.FirstError,
            measureStart,
            lastCompletion,
            allOperations);
    }

    private static async Task WorkAsync(
        LoadWorker worker, LoadOperation operation, long measureStart, long measureEnd, Pacer pacer, SharedState shared, CancellationTokenSource stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await pacer.WaitForTurnAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var began = Stopwatch.GetTimestamp();
            if (began >= measureEnd)
            {
                return;
            }

            var measuring = began >= measureStart;
            if (measuring && Interlocked.Increment(ref shared.Started) > shared.MaxOperations)
            {
                return;
            }

            worker.Measuring = measuring;
            try
            {
                await operation(worker, stop.Token);
                var ended = Stopwatch.GetTimestamp();
                if (measuring)
                {
                    worker.Total.RecordTicks(ended - began);
                    worker.LastCompletion = ended;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (Interlocked.Increment(ref shared.Errors) == 1)
                {
                    shared.FirstError = $"{e.GetType().Name}: {e.Message}";
                }

                if (shared.Errors >= MaxErrors)
                {
                    // Something is broken (a process died?): stop rather than spin on failures.
                    await stop.CancelAsync();
                    return;
                }
            }

            worker.Sequence++;
        }
    }

    /// <summary>A worker's schedule in fixed-rate mode (an interval of 0 means no pacing).</summary>
    private sealed class Pacer(long first, long interval)
    {
        private long _next = first;

        public async ValueTask WaitForTurnAsync(CancellationToken cancellationToken)
        {
            if (interval == 0)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var wait = _next - now;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
            }

            // A worker that fell behind (a slow operation) resumes the schedule from now instead of bursting to catch up.
            _next = Math.Max(_next, now - interval) + interval;
        }
    }

    private sealed class SharedState(long maxOperations)
    {
        public readonly long MaxOperations = maxOperations;
        public long Started;
        public long Errors;
        public string? FirstError;
    }
}

/// <summary>One worker of a run: its own histograms and a sequence number for building distinct keys.</summary>
public sealed class LoadWorker(int index, long measureStart)
{
    public int Index { get; } = index;

    /// <summary>Operations this worker has run (warmup included).</summary>
    public long Sequence { get; internal set; }

    /// <summary>Whether the current operation falls into the measured window (stages record only then).</summary>
    public bool Measuring { get; internal set; }

    /// <summary>When the measured window begins (<see cref="Stopwatch"/> timestamp).</summary>
    public long MeasureStart { get; } = measureStart;

    internal LatencyHistogram Total { get; } = new();

    internal long LastCompletion { get; set; } = measureStart;

    internal Dictionary<string, LatencyHistogram> Stages { get; } = new(StringComparer.Ordinal);

    /// <summary>Records part of an operation (e.g. the save of a save+get) under <paramref name="stage"/>.</summary>
    public void RecordStage(string stage, long startTimestamp)
    {
        if (!Measuring)
        {
            return;
        }

        if (!Stages.TryGetValue(stage, out var histogram))
        {
            Stages[stage] = histogram = new LatencyHistogram();
        }

        histogram.RecordSince(startTimestamp);
    }
}

/// <summary>What one variant achieved in the measured window (<see cref="AllOperations"/> includes the warmup's).</summary>
public sealed record LoadResult(
    string Label,
    int Concurrency,
    long Operations,
    long Errors,
    TimeSpan Elapsed,
    LatencyHistogram Latency,
    IReadOnlyDictionary<string, LatencyHistogram> Stages,
    string? FirstError,
    long MeasureStartTimestamp,
    long LastCompletionTimestamp,
    long AllOperations)
{
    public double OperationsPerSecond => Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : 0;
}
