using System.Globalization;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>
/// A sidecar's own GC counters, read from its metrics port (<c>dotnet_gc_*</c>); the difference of two readings is
/// what the sidecar allocated, how often it collected and how long it was paused in between, and the later reading's
/// memory committed for the managed heap (a gauge: the part of the sidecar's anonymous memory that is its GC heap).
/// </summary>
public sealed record GcFigures(double AllocatedBytes, double Collections, double PauseSeconds, double CommittedBytes = 0)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public static GcFigures operator -(GcFigures after, GcFigures before) =>
        new(after.AllocatedBytes - before.AllocatedBytes, after.Collections - before.Collections, after.PauseSeconds - before.PauseSeconds, after.CommittedBytes);

    /// <summary>The counters in a Prometheus text exposition; null when the sidecar exports none of them.</summary>
    public static GcFigures? Parse(string metrics)
    {
        double? allocated = null, pause = null, collections = null, committed = null;
        foreach (var line in metrics.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space <= 0 || !double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var name = line[..space];
            if (name == "dotnet_gc_allocated_bytes_total")
            {
                allocated = value;
            }
            else if (name == "dotnet_gc_pause_seconds_total")
            {
                pause = value;
            }
            else if (name == "dotnet_gc_committed_bytes")
            {
                committed = value;
            }
            else if (name.StartsWith("dotnet_gc_collections_total{", StringComparison.Ordinal))
            {
                collections = (collections ?? 0) + value;
            }
        }

        return allocated is null && pause is null && collections is null ? null : new GcFigures(allocated ?? 0, collections ?? 0, pause ?? 0, committed ?? 0);
    }

    /// <summary>Reads a sidecar's counters; null when its metrics port does not answer.</summary>
    public static async Task<GcFigures?> ReadAsync(int metricsPort)
    {
        try
        {
            return Parse(await Http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics")));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
