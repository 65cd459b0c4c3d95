using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>
/// Counts delivered <see cref="LatencyMessage"/>s and keeps the end-to-end latency (µs) of the measured ones, for
/// the pub/sub scenario to fetch. Deliveries arrive concurrently; a lock per message is far below their cost.
/// </summary>
public sealed class DeliveryRecorder
{
    private readonly Lock _gate = new();
    private List<long> _latencies = [];
    private long _received;
    private long _lastMeasuredAt;

    public bool Record(ReadOnlySpan<byte> message)
    {
        var now = Stopwatch.GetTimestamp();
        if (!LatencyMessage.TryRead(message, out var sentAt, out var phase))
        {
            return false;
        }

        lock (_gate)
        {
            _received++;
            if (phase == LatencyMessage.MeasuredPhase)
            {
                _latencies.Add((now - sentAt) * 1_000_000 / Stopwatch.Frequency);
                _lastMeasuredAt = now;
            }
        }

        return true;
    }

    public DeliveryStats Snapshot()
    {
        lock (_gate)
        {
            return new DeliveryStats(_received, _lastMeasuredAt, [.. _latencies]);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _received = 0;
            _lastMeasuredAt = 0;
            _latencies = [];
        }
    }
}

/// <summary>Deliveries so far: all of them, when the last measured one arrived (Stopwatch timestamp), measured latencies in µs.</summary>
public sealed record DeliveryStats(long Received, long LastMeasuredAt, long[] LatenciesMicroseconds)
{
    public LatencyHistogram ToHistogram()
    {
        var histogram = new LatencyHistogram();
        foreach (var latency in LatenciesMicroseconds)
        {
            histogram.Record(latency);
        }

        return histogram;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeliveryStats))]
public sealed partial class BenchmarkJsonContext : JsonSerializerContext;
