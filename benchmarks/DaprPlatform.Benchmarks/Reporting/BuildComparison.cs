using System.Text;

namespace DaprPlatform.Benchmarks.Reporting;

/// <summary>
/// The same scenarios measured on several sidecar builds in one run (--baseline-sidecar), set side by side: each
/// variant's throughput and latency, each sidecar's memory and CPU per operation, and each target, one column per build.
/// </summary>
public static class BuildComparison
{
    public static string Render(IReadOnlyList<ScenarioReport> reports, IReadOnlyList<string> builds, bool markdown)
    {
        var text = new StringBuilder();
        foreach (var scenario in reports.GroupBy(r => r.Title))
        {
            var byBuild = builds.Select(b => scenario.FirstOrDefault(r => r.Build == b)).ToList();
            if (byBuild.Count(r => r is not null) < 2)
            {
                continue;
            }

            text.AppendLine(markdown ? $"### Side by side: {scenario.Key}" : $"=== Side by side: {scenario.Key} ===");
            text.AppendLine();
            ScenarioReport.Append(text, markdown, Variants(byBuild, builds));
            if (Sidecars(byBuild, builds) is { RowCount: > 0 } sidecars)
            {
                ScenarioReport.Append(text, markdown, sidecars);
            }

            if (Targets(byBuild, builds) is { RowCount: > 0 } targets)
            {
                ScenarioReport.Append(text, markdown, targets);
            }
        }

        return text.ToString();
    }

    private static TextTable Variants(IReadOnlyList<ScenarioReport?> reports, IReadOnlyList<string> builds)
    {
        var table = new TextTable(["Variant", .. builds.SelectMany(b => new[] { $"ops/s {b}", $"p50 ms {b}", $"p99 ms {b}" })]);
        foreach (var label in Labels(reports, r => r.Rows.Select(row => row.Label)))
        {
            var cells = new List<string> { label };
            foreach (var report in reports)
            {
                var row = report?.Rows.FirstOrDefault(r => r.Label == label);
                cells.AddRange(row is null
                    ? ["-", "-", "-"]
                    : [ScenarioReport.F0(row.OperationsPerSecond), ScenarioReport.F2(row.Latency.P50), ScenarioReport.F2(row.Latency.P99)]);
            }

            table.Add([.. cells]);
        }

        return table;
    }

    private static TextTable Sidecars(IReadOnlyList<ScenarioReport?> reports, IReadOnlyList<string> builds)
    {
        var table = new TextTable(["Sidecar [phase]", .. builds.SelectMany(b => new[] { $"peak RSS MB {b}", $"CPU ms/op {b}" })]);
        static string Key((string Phase, Measurement.ProcessUsage Usage, long Operations) p) => $"{p.Usage.Name} [{p.Phase}]";
        foreach (var key in Labels(reports, r => r.Processes.Where(p => p.Usage.Name.StartsWith("sidecar", StringComparison.Ordinal)).Select(Key)))
        {
            var cells = new List<string> { key };
            foreach (var report in reports)
            {
                var process = report?.Processes.FirstOrDefault(p => Key(p) == key);
                cells.AddRange(process is not { } found
                    ? ["-", "-"]
                    : [ScenarioReport.F1(found.Usage.PeakRssMb), ScenarioReport.CpuMsPerOperation(found.Usage, found.Operations)]);
            }

            table.Add([.. cells]);
        }

        return table;
    }

    private static TextTable Targets(IReadOnlyList<ScenarioReport?> reports, IReadOnlyList<string> builds)
    {
        var table = new TextTable(["Target", "Goal", .. builds]);
        foreach (var what in Labels(reports, r => r.Targets.Select(t => t.What)))
        {
            var goal = reports.Select(r => r?.Targets.FirstOrDefault(t => t.What == what)?.Target).FirstOrDefault(g => g is not null) ?? "-";
            var cells = new List<string> { what, goal };
            cells.AddRange(reports.Select(r => r?.Targets.FirstOrDefault(t => t.What == what) is { } t ? $"{t.Measured} ({(t.Met ? "met" : "MISSED")})" : "-"));
            table.Add([.. cells]);
        }

        return table;
    }

    // Every label any build reported, in the order the builds first reported them.
    private static List<string> Labels(IReadOnlyList<ScenarioReport?> reports, Func<ScenarioReport, IEnumerable<string>> labels) =>
        reports.Where(r => r is not null).SelectMany(r => labels(r!)).Distinct(StringComparer.Ordinal).ToList();
}
