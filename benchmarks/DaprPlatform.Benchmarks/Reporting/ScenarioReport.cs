using System.Globalization;
using System.Text;
using DaprPlatform.Benchmarks.Measurement;

namespace DaprPlatform.Benchmarks.Reporting;

/// <summary>One row of a scenario: a variant (baseline or through the sidecar) with its throughput and latency.</summary>
public sealed record ReportRow(string Label, double OperationsPerSecond, LatencySummary Latency, long Errors, string? FirstError = null)
{
    public static ReportRow From(LoadResult result, string? label = null) =>
        new(label ?? result.Label, result.OperationsPerSecond, result.Latency.Summarize(), result.Errors, result.FirstError);

    public static ReportRow FromStage(LoadResult result, string stage, string label) =>
        new(label, result.OperationsPerSecond, result.Stages.TryGetValue(stage, out var h) ? h.Summarize() : new LatencyHistogram().Summarize(), result.Errors);
}

/// <summary>A published or issued target and whether this run met it.</summary>
public sealed record TargetCheck(string What, string Measured, string Target, bool Met);

/// <summary>
/// The figures of one scenario, every variant measured in the same run, with the latency the sidecar path adds over
/// its baseline, the targets, and the memory and CPU of the processes involved.
/// </summary>
public sealed class ScenarioReport(string title, string setup)
{
    private readonly List<ReportRow> _rows = [];
    private readonly List<(string Name, ReportRow Baseline, ReportRow Dapr)> _comparisons = [];
    private readonly List<TargetCheck> _targets = [];
    private readonly List<(string Phase, ProcessUsage Usage, long Operations)> _processes = [];
    private readonly List<string> _notes = [];
    private readonly List<TextTable> _tables = [];

    public string Title { get; } = title;

    /// <summary>The sidecar build the figures are of, when a run compares builds (--baseline-sidecar); null otherwise.</summary>
    public string? Build { get; set; }

    public IReadOnlyList<ReportRow> Rows => _rows;

    /// <summary>The processes sampled, each with its phase and the operations run meanwhile.</summary>
    public IReadOnlyList<(string Phase, ProcessUsage Usage, long Operations)> Processes => _processes;

    public string Setup { get; } = setup;

    public IReadOnlyList<TargetCheck> Targets => _targets;

    public ReportRow Add(ReportRow row)
    {
        _rows.Add(row);
        return row;
    }

    /// <summary>Reports what <paramref name="dapr"/> adds over <paramref name="baseline"/>.</summary>
    public void Compare(string name, ReportRow baseline, ReportRow dapr) => _comparisons.Add((name, baseline, dapr));

    public void Target(string what, string measured, string target, bool met) => _targets.Add(new TargetCheck(what, measured, target, met));

    /// <param name="operations">Operations run while the processes were sampled, warmup included (for CPU time per operation).</param>
    public void AddProcesses(string phase, IEnumerable<ProcessUsage> usage, long operations) => _processes.AddRange(usage.Select(u => (phase, u, operations)));

    public void Note(string note) => _notes.Add(note);

    /// <summary>A table of the scenario's own, rendered after the process table.</summary>
    public void AddTable(TextTable table) => _tables.Add(table);

    public string ToConsole() => Render(markdown: false);

    public string ToMarkdown() => Render(markdown: true);

    private string Render(bool markdown)
    {
        var text = new StringBuilder();
        var title = Build is null ? Title : $"{Title} — {Build}";
        text.AppendLine(markdown ? $"### {title}" : $"=== {title} ===");
        text.AppendLine();
        text.AppendLine(Setup);
        text.AppendLine();
        Append(text, markdown, LatencyTable());
        if (_comparisons.Count > 0)
        {
            text.AppendLine("Added over the baseline (variant minus baseline):");
            text.AppendLine();
            Append(text, markdown, ComparisonTable());
        }

        if (_targets.Count > 0)
        {
            var targets = new TextTable("Target", "Measured", "Goal", "Met");
            foreach (var target in _targets)
            {
                targets.Add(target.What, target.Measured, target.Target, target.Met ? "yes" : "NO");
            }

            Append(text, markdown, targets);
        }

        if (_processes.Count > 0)
        {
            var processes = new TextTable(
                "Process [phase]", "peak RSS MB", "RSS after MB", "anon / file MB", "VmHWM MB", "PSS after MB", "CPU cores", "CPU ms/op", "threads", "alloc KB/op", "GCs", "GC pause ms", "GC committed MB");
            foreach (var (phase, usage, operations) in _processes)
            {
                processes.Add(
                    $"{usage.Name} [{phase}]", F1(usage.PeakRssMb), F1(usage.RssAfterMb), $"{F1(usage.RssAnonAfterMb)} / {F1(usage.RssFileAfterMb)}", F1(usage.HighWaterMarkMb), F1(usage.PssAfterMb), F2(usage.CpuCores),
                    CpuMsPerOperation(usage, operations),
                    usage.PeakThreads.ToString(CultureInfo.InvariantCulture),
                    usage.Gc is { } gc && operations > 0 ? F2(gc.AllocatedBytes / 1024 / operations) : "-",
                    usage.Gc is { } collected ? collected.Collections.ToString("0", CultureInfo.InvariantCulture) : "-",
                    usage.Gc is { } paused ? F1(paused.PauseSeconds * 1000) : "-",
                    usage.Gc is { } heap ? F1(heap.CommittedBytes / 1024 / 1024) : "-");
            }

            Append(text, markdown, processes);
        }

        foreach (var table in _tables)
        {
            Append(text, markdown, table);
        }

        foreach (var note in _notes)
        {
            text.AppendLine(markdown ? $"- {note}" : $"* {note}");
        }

        if (_notes.Count > 0)
        {
            text.AppendLine();
        }

        return text.ToString();
    }

    private TextTable LatencyTable()
    {
        var table = new TextTable("Variant", "ops/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "measured", "errors");
        foreach (var row in _rows)
        {
            var l = row.Latency;
            table.Add(row.Label, F0(row.OperationsPerSecond), F2(l.P50), F2(l.P90), F2(l.P99), F2(l.P999), F1(l.Max),
                l.Count.ToString(CultureInfo.InvariantCulture), row.Errors == 0 ? "0" : $"{row.Errors} ({row.FirstError})");
        }

        return table;
    }

    private TextTable ComparisonTable()
    {
        var table = new TextTable("Comparison", "+p50 ms", "+p90 ms", "+p99 ms", "throughput");
        foreach (var (name, baseline, dapr) in _comparisons)
        {
            table.Add(
                name,
                Signed(dapr.Latency.P50 - baseline.Latency.P50),
                Signed(dapr.Latency.P90 - baseline.Latency.P90),
                Signed(dapr.Latency.P99 - baseline.Latency.P99),
                baseline.OperationsPerSecond > 0 ? $"{dapr.OperationsPerSecond / baseline.OperationsPerSecond * 100:0}% of baseline" : "-");
        }

        return table;
    }

    internal static void Append(StringBuilder text, bool markdown, TextTable table)
    {
        text.Append(markdown ? table.ToMarkdown() : table.ToConsole());
        text.AppendLine();
    }

    public static string F0(double value) => double.IsNaN(value) ? "-" : value.ToString("0", CultureInfo.InvariantCulture);

    /// <summary>A process's CPU time per operation run while it was sampled, in ms; "-" without operations.</summary>
    public static string CpuMsPerOperation(ProcessUsage usage, long operations) =>
        operations > 0 ? (usage.CpuSeconds * 1000 / operations).ToString("0.000", CultureInfo.InvariantCulture) : "-";

    public static string F1(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0", CultureInfo.InvariantCulture);

    public static string F2(double value) => double.IsNaN(value) ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Signed(double value) => double.IsNaN(value) ? "-" : value.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
}
