using System.Diagnostics;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>
/// A log-linear latency histogram in the manner of HdrHistogram: values (microseconds) below 256 are counted exactly,
/// larger ones in buckets 1/128 of their power of two wide (under 0.8 % error). Recording is an index computation and
/// an increment, so it never dominates what is measured. Not thread-safe: one per worker, merged afterwards.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 7;
    private const int SubBucketCount = 1 << SubBucketBits; // 128 per half power of two
    private const int ExactLimit = SubBucketCount * 2; // 0..255 exact

    // 2^40 µs is about 12 days: far beyond any bounded run.
    private const int MaxExponent = 40;
    private static readonly int BucketCount = ExactLimit + (MaxExponent - SubBucketBits) * SubBucketCount;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public long MaxMicroseconds { get; private set; }

    public long MinMicroseconds { get; private set; } = long.MaxValue;

    private double _sumMicroseconds;

    public double MeanMicroseconds => Count == 0 ? 0 : _sumMicroseconds / Count;

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public void RecordSince(long startTimestamp) => RecordTicks(Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>Records a duration in <see cref="Stopwatch"/> ticks.</summary>
    public void RecordTicks(long ticks) => Record(Math.Max(0, ticks) * 1_000_000 / Stopwatch.Frequency);

    public void Record(long microseconds)
    {
        microseconds = Math.Max(0, microseconds);
        _counts[IndexOf(microseconds)]++;
        Count++;
        _sumMicroseconds += microseconds;
        MaxMicroseconds = Math.Max(MaxMicroseconds, microseconds);
        MinMicroseconds = Math.Min(MinMicroseconds, microseconds);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        _sumMicroseconds += other._sumMicroseconds;
        MaxMicroseconds = Math.Max(MaxMicroseconds, other.MaxMicroseconds);
        MinMicroseconds = Math.Min(MinMicroseconds, other.MinMicroseconds);
    }

    /// <summary>The value at <paramref name="percentile"/> (0..100) in milliseconds: the upper edge of its bucket, capped at the max seen.</summary>
    public double PercentileMilliseconds(double percentile)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperEdgeOf(i), MaxMicroseconds) / 1000.0;
            }
        }

        return MaxMicroseconds / 1000.0;
    }

    public LatencySummary Summarize() => new(
        Count,
        PercentileMilliseconds(50),
        PercentileMilliseconds(90),
        PercentileMilliseconds(99),
        PercentileMilliseconds(99.9),
        Count == 0 ? double.NaN : MaxMicroseconds / 1000.0,
        MeanMicroseconds / 1000.0);

    internal static int IndexOf(long value)
    {
        if (value < ExactLimit)
        {
            return (int)value;
        }

        // value >= 256: its top SubBucketBits+1 bits select the bucket within its power of two.
        var exponent = 63 - (int)long.LeadingZeroCount(value); // >= 8
        var shift = exponent - SubBucketBits;
        var index = ExactLimit + (shift - 1) * SubBucketCount + (int)((value >> shift) - SubBucketCount);
        return Math.Min(index, BucketCount - 1);
    }

    internal static long UpperEdgeOf(int index)
    {
        if (index < ExactLimit)
        {
            return index;
        }

        var shift = (index - ExactLimit) / SubBucketCount + 1;
        var sub = (index - ExactLimit) % SubBucketCount + SubBucketCount;
        return ((long)(sub + 1) << shift) - 1;
    }
}

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50, double P90, double P99, double P999, double Max, double Mean);
