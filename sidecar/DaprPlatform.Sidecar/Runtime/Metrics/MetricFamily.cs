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

    /// <summary>
    /// The label text of the series that takes what is recorded for label sets beyond a family's limit, named as
    /// OpenTelemetry names its overflow attribute.
    /// </summary>
    protected static string OverflowLabels(string? extraName = null, string? extraValue = null)
    {
        var text = new StringBuilder();
        Append(text, "otel_metric_overflow", "true");
        if (extraName is not null)
        {
            Append(text, extraName, extraValue ?? "");
        }

        return "{" + text + "}";
    }

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

/// <summary>
/// The series of a family, one cell per label set, up to a limit. Label values can come from callers (a path, an
/// unknown store or app name), so without a limit a stream of made-up names would add series, and keep them, for as
/// long as the sidecar runs: what is recorded past the limit goes to one overflow series instead, as OpenTelemetry's
/// cardinality limit does. Only recording a new label set pays for the check.
/// </summary>
public sealed class SeriesCells<TLabels, TCell>(Func<TCell> create)
    where TLabels : struct, ITuple, IEquatable<TLabels>
    where TCell : class
{
    /// <summary>Label sets a family keeps; OpenTelemetry's default cardinality limit is 2000.</summary>
    public const int MaxSeries = 2000;

    /// <summary>
    /// Characters of label text a family keeps: made-up paths of 8 KB would otherwise weigh 16 KB a series, and a
    /// histogram repeats its labels on each of its 30-odd bucket lines in every scrape.
    /// </summary>
    public const int MaxLabelChars = 64 * 1024;

    private readonly ConcurrentDictionary<TLabels, TCell> _cells = new();
    private readonly Lock _adding = new();
    private int _labelChars;

    public TCell Overflow { get; } = create();

    public bool HasOverflowed { get; private set; }

    public IEnumerable<KeyValuePair<TLabels, TCell>> Cells => _cells;

    public TCell Get(TLabels labels)
    {
        if (_cells.TryGetValue(labels, out var cell))
        {
            return cell;
        }

        lock (_adding)
        {
            if (_cells.TryGetValue(labels, out cell))
            {
                return cell;
            }

            var chars = LabelChars(labels);
            if (_cells.Count >= MaxSeries || _labelChars + chars > MaxLabelChars)
            {
                HasOverflowed = true;
                return Overflow;
            }

            cell = create();
            _cells[labels] = cell;
            _labelChars += chars;
            return cell;
        }
    }

    public bool TryGet(TLabels labels, out TCell cell) => _cells.TryGetValue(labels, out cell!);

    private static int LabelChars(TLabels labels)
    {
        var chars = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            chars += (labels[i] as string)?.Length ?? 0;
        }

        return chars;
    }
}

/// <summary>A monotonically increasing count per label set; increments are a dictionary hit and an interlocked add.</summary>
public sealed class CounterFamily<TLabels>(string name, string help, params string[] labelNames)
    : MetricFamily(name, help, "counter", labelNames)
    where TLabels : struct, ITuple, IEquatable<TLabels>
{
    private readonly SeriesCells<TLabels, StrongBox<long>> _cells = new(static () => new StrongBox<long>());

    public void Add(TLabels labels, long value = 1)
    {
        var cell = _cells.Get(labels);
        Interlocked.Add(ref cell.Value, value);
    }

    public long Get(TLabels labels) => _cells.TryGet(labels, out var cell) ? Interlocked.Read(ref cell.Value) : 0;

    protected override IEnumerable<(string, Action<StringBuilder>)> Series()
    {
        foreach (var (labels, cell) in _cells.Cells)
        {
            yield return Line(FormatLabels(labels), cell);
        }

        if (_cells.HasOverflowed)
        {
            yield return Line(OverflowLabels(), _cells.Overflow);
        }
    }

    private (string, Action<StringBuilder>) Line(string text, StrongBox<long> cell)
    {
        var value = Interlocked.Read(ref cell.Value);
        return (text, output => output.Append(Name).Append(text).Append(' ').Append(value).Append('\n'));
    }
}

/// <summary>The last value set per label set.</summary>
public sealed class GaugeFamily<TLabels>(string name, string help, params string[] labelNames)
    : MetricFamily(name, help, "gauge", labelNames)
    where TLabels : struct, ITuple, IEquatable<TLabels>
{
    private readonly SeriesCells<TLabels, StrongBox<long>> _cells = new(static () => new StrongBox<long>());

    public void Set(TLabels labels, long value)
    {
        var cell = _cells.Get(labels);
        Interlocked.Exchange(ref cell.Value, value);
    }

    public long? Get(TLabels labels) => _cells.TryGet(labels, out var cell) ? Interlocked.Read(ref cell.Value) : null;

    protected override IEnumerable<(string, Action<StringBuilder>)> Series()
    {
        // A gauge past the limit has no meaningful overflow value (the last of any series set): it is left out.
        foreach (var (labels, cell) in _cells.Cells)
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
    private readonly SeriesCells<TLabels, Cell> _cells = new(() => new Cell(bounds.Length + 1));

    public void Observe(TLabels labels, double value)
    {
        var cell = _cells.Get(labels);
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

    public long Count(TLabels labels) => _cells.TryGet(labels, out var cell) ? Interlocked.Read(ref cell.Count) : 0;

    protected override IEnumerable<(string, Action<StringBuilder>)> Series()
    {
        foreach (var (labels, cell) in _cells.Cells)
        {
            yield return Lines(FormatLabels(labels), le => FormatLabels(labels, "le", le), cell);
        }

        if (_cells.HasOverflowed)
        {
            yield return Lines(OverflowLabels(), le => OverflowLabels("le", le), _cells.Overflow);
        }
    }

    private (string, Action<StringBuilder>) Lines(string text, Func<string, string> bucketLabels, Cell cell)
    {
        var counts = new long[cell.Buckets.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref cell.Buckets[i]);
        }

        var sum = Volatile.Read(ref cell.Sum);
        var count = counts.Sum();
        return (text, output =>
        {
            long cumulative = 0;
            for (var i = 0; i <= bounds.Length; i++)
            {
                cumulative += counts[i];
                var le = i < bounds.Length ? FormatValue(bounds[i]) : "+Inf";
                output.Append(Name).Append("_bucket").Append(bucketLabels(le)).Append(' ').Append(cumulative).Append('\n');
            }

            output.Append(Name).Append("_sum").Append(text).Append(' ').Append(FormatValue(sum)).Append('\n');
            output.Append(Name).Append("_count").Append(text).Append(' ').Append(count).Append('\n');
        });
    }

    private sealed class Cell(int buckets)
    {
        public readonly long[] Buckets = new long[buckets];
        public long Count;
        public double Sum;
    }
}
