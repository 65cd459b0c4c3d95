using System.Diagnostics;
using DaprPlatform.Benchmarks.Measurement;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class LoadGeneratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Closed_loop_runs_for_the_warmup_and_duration_and_records_only_the_measured_window()
    {
        long started = 0;
        var settings = new LoadSettings(Concurrency: 4, Warmup: TimeSpan.FromMilliseconds(200), Duration: TimeSpan.FromMilliseconds(500), MaxOperations: null);
        var clock = Stopwatch.StartNew();

        var result = await LoadGenerator.RunAsync("sleep", settings, async (_, ct) =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(5, ct);
        }, Ct);

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(650), TimeSpan.FromSeconds(5));
        Assert.Equal(0, result.Errors);
        Assert.True(result.Operations > 0);
        Assert.True(result.Operations < started, "warmup operations must not be counted as measured");
        Assert.Equal(started, result.AllOperations);
        Assert.Equal(result.Operations, result.Latency.Count);
        Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(2));
        Assert.InRange(result.Latency.PercentileMilliseconds(50), 4.0, 200.0);
    }

    [Fact]
    public async Task Max_operations_stops_the_measurement_early()
    {
        var settings = new LoadSettings(2, TimeSpan.Zero, TimeSpan.FromSeconds(30), MaxOperations: 50);
        var clock = Stopwatch.StartNew();

        var result = await LoadGenerator.RunAsync("capped", settings, async (_, _) => await Task.Yield(), Ct);

        Assert.Equal(50, result.Operations);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Fixed_rate_starts_about_that_many_operations_per_second()
    {
        var settings = new LoadSettings(4, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), null, RatePerSecond: 200);

        var result = await LoadGenerator.RunAsync("paced", settings, async (_, _) => await Task.Yield(), Ct);

        // 200/s for 1 s; timer granularity and a loaded test machine allow some slack, a closed loop would do far more.
        Assert.InRange(result.Operations, 100, 215);
        Assert.InRange(result.OperationsPerSecond, 90, 230);
    }

    [Fact]
    public async Task Failures_are_counted_and_the_first_is_kept()
    {
        var settings = new LoadSettings(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(300), null);

        var result = await LoadGenerator.RunAsync("odd", settings, (worker, _) =>
            worker.Sequence % 2 == 1 ? throw new InvalidOperationException("odd one") : ValueTask.CompletedTask, Ct);

        Assert.True(result.Errors > 0);
        Assert.Equal("InvalidOperationException: odd one", result.FirstError);
        Assert.True(result.Operations > 0);
    }

    [Fact]
    public async Task Too_many_failures_stop_the_run_before_its_duration()
    {
        var settings = new LoadSettings(2, TimeSpan.Zero, TimeSpan.FromSeconds(60), null);
        var clock = Stopwatch.StartNew();

        var result = await LoadGenerator.RunAsync("broken", settings, (_, _) => throw new IOException("down"), Ct);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.InRange(result.Errors, 200, 202);
        Assert.Equal(0, result.Operations);
    }

    [Fact]
    public async Task Stages_are_recorded_only_while_measuring()
    {
        var settings = new LoadSettings(1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), null);

        var result = await LoadGenerator.RunAsync("staged", settings, async (worker, ct) =>
        {
            var start = Stopwatch.GetTimestamp();
            await Task.Delay(2, ct);
            worker.RecordStage("first half", start);
        }, Ct);

        Assert.Equal(result.Operations, result.Stages["first half"].Count);
    }
}
