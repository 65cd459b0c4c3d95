using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace DaprPlatform.Sidecar.Runtime.Metrics;

/// <summary>One named metric with a fixed set of labels, rendered in the Prometheus text format.</summary>
public abstract class MetricFamily(string name, string help, string type, string[] labelNames)
{
    public string Name { get; } = name;

    protected string[] LabelNames { get; } = labelNames;

    public void Render(StringBuilder output)
    {
        var series = Series().OrderBy(s => s.Labels, StringComparer.Ordinal).ToList();
        if (series.Count == 0)
        {
            return;
        }

        output.Append("# HELP ").Append(Name).Append(' ').Append(help).Append('\n');
        output.Append("# TYPE ").Append(Name).Append(' ').Append(type).Append('\n');
        foreach (var (_, write) in series)
        {
            write(output);
        }
    }

    /// <summary>Each labelled series: its rendered label text (for ordering) and how to write its lines.</summary>
    protected abstract IEnumerable<(string Labels, Action<StringBuilder> Write)> Series();

    protected string FormatLabels(ITuple values, string? extraName = null, string? extraValue = null)
    {
        var text = new StringBuilder();
        for (var i = 0; i < LabelNames.Length; i++)
        {
            Append(text, LabelNames[i], values[i] as string ?? "");
        }

        if (extraName is not null)
        {
            Append(text, extraName, extraValue ?? "");
        }

        return text.Length == 0 ? "" : "{" + text + "}";
    }

    protected static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder text, string name, string value)
    {
        if (text.Length > 0)
        {
            text.Append(',');
        }

        text.Append(name).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }

        text.Append('"');
    }
}

/// <summary>A monotonically increasing count per label set; increments are a dictionary hit and an interlocked add.</summary>
public sealed class CounterFamily<TLabels>(string name, string help, params string[] labelNames)
    : MetricFamily(name, help, "counter", labelNames)
    where TLabels : struct, ITuple, IEquatable<TLabels>
{
    private readonly ConcurrentDictionary<TLabels, StrongBox<long>> _cells = new();

    public void Add(TLabels labels, long value = 1)
    {
        var cell = _cells.GetOrAdd(labels, static _ => new StrongBox<long>());
        Interlocked.Add(ref cell.Value, value);
    }

    public long Get(TLabels labels) => _cells.TryGetValue(labels, out var cell) ? Interlocked.Read(ref cell.Value) : 0;

    protected override IEnumerable<(string, Action<StringBuilder>)> Series()
    {
        foreach (var (labels, cell) in _cells)
        {
            var text = FormatLabels(labels);
            var value = Interlocked.Read(ref cell.Value);
            yield return (text, output => output.Append(Name).Append(text).Append(' ').Append(value).Append('\n'));
        }
    }
}

/// <summary>The last value set per label set.</summary>
public sealed class GaugeFamily<TLabels>(string name, string help, params string[] labelNames)
    : MetricFamily(name, help, "gauge", labelNames)
    where TLabels : struct, ITuple, IEquatable<TLabels>
{
    private readonly ConcurrentDictionary<TLabels, StrongBox<long>> _cells = new();

    public void Set(TLabels labels, long value)
    {
        var cell = _cells.GetOrAdd(labels, static _ => new StrongBox<long>());
        Interlocked.Exchange(ref cell.Value, value);
    }

    public long? Get(TLabels labels) => _cells.TryGetValue(labels, out var cell) ? Interlocked.Read(ref cell.Value) : null;

    protected override IEnumerable<(string, Action<StringBuilder>)> Series()
    {
        foreach (var (labels, cell) in _cells)
        {
            var text = FormatLabels(labels);
            var value = Interlocked.Read(ref cell.Value);
            yield return (text, output => output.Append(Name).Append(text).Append(' ').Append(value).Append('\n'));
        }
    }
}

/// <summary>A distribution over fixed bucket bounds per label set (cumulative buckets, sum and count when rendered).</summary>
public sealed class HistogramFamily<TLabels>(string name, string help, double[] bounds, params string[] labelNames)
    : MetricFamily(name, help, "histogram", labelNames)
    where TLabels : struct, ITuple, IEquatable<TLabels>
{
    private readonly ConcurrentDictionary<TLabels, Cell> _cells = new();

    public void Observe(TLabels labels, double value)
    {
        var cell = _cells.GetOrAdd(labels, static (_, size) => new Cell(size), bounds.Length + 1);
        var index = Array.BinarySearch(bounds, value);
        // An exact match belongs to that bucket (le is inclusive); otherwise the first bound above the value.
        Interlocked.Increment(ref cell.Buckets[index >= 0 ? index : ~index]);
        Interlocked.Increment(ref cell.Count);
        var sum = Volatile.Read(ref cell.Sum);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref cell.Sum, sum + value, sum);
            if (seen.Equals(sum))
            {
                break;
            }

            sum = seen;
        }
    }

    public long Count(TLabels labels) => _cells.TryGetValue(labels, out var cell) ? Interlocked.Read(ref cell.Count) : 0;

    protected override IEnumerable<(string, Action<StringBuilder>)> Series()
    {
        foreach (var (labels, cell) in _cells)
        {
            var text = FormatLabels(labels);
            var counts = new long[cell.Buckets.Length];
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = Interlocked.Read(ref cell.Buckets[i]);
            }

            var sum = Volatile.Read(ref cell.Sum);
            var count = counts.Sum();
            yield return (text, output =>
            {
                long cumulative = 0;
                for (var i = 0; i <= bounds.Length; i++)
                {
                    cumulative += counts[i];
                    var le = i < bounds.Length ? FormatValue(bounds[i]) : "+Inf";
                    output.Append(Name).Append("_bucket").Append(FormatLabels(labels, "le", le)).Append(' ').Append(cumulative).Append('\n');
                }

                output.Append(Name).Append("_sum").Append(text).Append(' ').Append(FormatValue(sum)).Append('\n');
                output.Append(Name).Append("_count").Append(text).Append(' ').Append(count).Append('\n');
            });
        }
    }

    private sealed class Cell(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public long Count;
        public double Sum;
    }
}
