using DaprPlatform.Benchmarks.Hosting;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class BenchmarkOptionsTests
{
    [Fact]
    public void No_arguments_run_every_scenario_with_the_defaults()
    {
        var options = BenchmarkOptions.Parse([]);

        Assert.Equal(["startup", "invoke", "state", "pubsub", "workflow", "orders"], options.Scenarios);
        Assert.Null(options.BaselineSidecar);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Duration);
        Assert.Equal(16, options.Concurrency);
        Assert.Equal(1000, options.Rate);
        Assert.Equal(50, options.OrderRate);
        Assert.Equal(32, options.OrdersInFlight);
    }

    [Fact]
    public void The_orders_scenario_takes_its_rate_and_orders_in_flight()
    {
        var options = BenchmarkOptions.Parse(["orders", "--order-rate", "20", "--orders-in-flight", "8"]);

        Assert.Equal(["orders"], options.Scenarios);
        Assert.Equal(20, options.OrderRate);
        Assert.Equal(8, options.OrdersInFlight);
    }

    [Fact]
    public void Scenarios_and_options_are_read()
    {
        var options = BenchmarkOptions.Parse(
            ["state", "invoke", "--duration", "500ms", "--warmup", "2", "--concurrency", "8", "--rate", "0", "--requests", "100",
             "--sidecar-env", "DOTNET_GCgen0size=0x400000", "--sidecar-env", "A=b=c"]);

        Assert.Equal(["state", "invoke"], options.Scenarios);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Warmup);
        Assert.Equal(8, options.Concurrency);
        Assert.Equal(0, options.Rate);
        Assert.Equal(100, options.MaxOperations);
        Assert.Equal("0x400000", options.SidecarEnvironment["DOTNET_GCgen0size"]);
        Assert.Equal("b=c", options.SidecarEnvironment["A"]);
    }

    [Fact]
    public void A_baseline_sidecar_build_is_read_with_the_names_of_both_builds()
    {
        var options = BenchmarkOptions.Parse(
            ["invoke", "--baseline-sidecar", "old/daprd.dll", "--baseline-label", "JIT", "--label", "NativeAOT"]);

        Assert.Equal(Path.GetFullPath("old/daprd.dll"), options.BaselineSidecar);
        Assert.Equal("JIT", options.BaselineLabel);
        Assert.Equal("NativeAOT", options.Label);
    }

    [Fact]
    public void Without_a_rate_only_the_closed_loop_runs_and_with_one_the_fixed_rate_runs_first()
    {
        var load = new Measurement.LoadSettings(16, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), null);
        Scenarios.BenchmarkContext Context(int rate) => new(null!, load, 1024, 64, rate, TextWriter.Null);

        Assert.Equal(["max"], Context(0).Modes.Select(m => m.Name));
        Assert.Equal(["1000/s", "max"], Context(1000).Modes.Select(m => m.Name));
        Assert.True(Context(1000).TargetMode.IsFixedRate);
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData("2m", 120_000)]
    [InlineData("3", 3_000)]
    public void Durations_accept_seconds_milliseconds_and_minutes(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), BenchmarkOptions.ParseDuration(text));

    [Theory]
    [InlineData("soon")]
    [InlineData("-1s")]
    [InlineData("2h")]
    [InlineData("61m")]
    public void Bad_durations_are_refused(string text) =>
        Assert.Throws<ArgumentException>(() => BenchmarkOptions.ParseDuration(text));

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--concurrency", "0")]
    [InlineData("--duration")]
    [InlineData("--sidecar-env", "NOEQUALS")]
    [InlineData("--order-rate", "0")]
    [InlineData("--orders-in-flight", "many")]
    [InlineData("--baseline-sidecar")]
    public void Bad_arguments_are_refused(params string[] args) =>
        Assert.Throws<ArgumentException>(() => BenchmarkOptions.Parse(args));
}
