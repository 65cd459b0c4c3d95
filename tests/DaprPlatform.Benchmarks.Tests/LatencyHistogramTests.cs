using DaprPlatform.Benchmarks.Measurement;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_small_values_are_exact()
    {
        var histogram = new LatencyHistogram();
        for (var us = 1; us <= 200; us++)
        {
            histogram.Record(us);
        }

        Assert.Equal(0.100, histogram.PercentileMilliseconds(50), 6);
        Assert.Equal(0.198, histogram.PercentileMilliseconds(99), 6);
        Assert.Equal(0.200, histogram.PercentileMilliseconds(100), 6);
        Assert.Equal(200, histogram.Count);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(1_234)]
    [InlineData(98_765)]
    [InlineData(12_345_678)]
    public void Large_values_are_reported_within_one_percent(long microseconds)
    {
        var histogram = new LatencyHistogram();
        histogram.Record(microseconds);
        histogram.Record(microseconds * 10); // so the percentile is not just capped at the max

        var p50 = histogram.PercentileMilliseconds(50) * 1000;

        Assert.InRange(p50, microseconds, microseconds * 1.01);
    }

    [Fact]
    public void Percentiles_of_a_uniform_spread_are_where_they_should_be()
    {
        var histogram = new LatencyHistogram();
        for (var us = 1; us <= 100_000; us++)
        {
            histogram.Record(us);
        }

        Assert.InRange(histogram.PercentileMilliseconds(50), 50.0, 50.5);
        Assert.InRange(histogram.PercentileMilliseconds(90), 90.0, 90.8);
        Assert.InRange(histogram.PercentileMilliseconds(99), 99.0, 99.8);
        Assert.Equal(100.0, histogram.Summarize().Max);
        Assert.InRange(histogram.Summarize().Mean, 50.0, 50.01);
    }

    [Fact]
    public void Add_merges_counts_extremes_and_mean()
    {
        var low = new LatencyHistogram();
        var high = new LatencyHistogram();
        low.Record(100);
        high.Record(300);

        low.Add(high);

        var summary = low.Summarize();
        Assert.Equal(2, summary.Count);
        Assert.Equal(0.3, summary.Max, 3);
        Assert.Equal(0.2, summary.Mean, 3);
        Assert.Equal(0.1, low.PercentileMilliseconds(50), 3);
    }

    [Fact]
    public void An_empty_histogram_has_no_percentiles()
    {
        var summary = new LatencyHistogram().Summarize();

        Assert.Equal(0, summary.Count);
        Assert.True(double.IsNaN(summary.P50));
        Assert.True(double.IsNaN(summary.Max));
    }

    [Fact]
    public void Record_ticks_converts_stopwatch_ticks_to_microseconds()
    {
        var histogram = new LatencyHistogram();
        histogram.RecordTicks(System.Diagnostics.Stopwatch.Frequency / 1000 * 3); // 3 ms

        Assert.InRange(histogram.PercentileMilliseconds(50), 2.99, 3.03);
    }
}
