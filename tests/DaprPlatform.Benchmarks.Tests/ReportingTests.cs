using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class ReportingTests
{
    [Fact]
    public void A_table_renders_as_markdown_with_pipes_escaped()
    {
        var table = new TextTable("Variant", "ops/s").Add("a | b", "12");

        var markdown = table.ToMarkdown();

        Assert.Equal("| Variant | ops/s |\n|---|---:|\n| a \\| b | 12 |\n", markdown.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_table_refuses_rows_of_the_wrong_width() =>
        Assert.Throws<ArgumentException>(() => new TextTable("a", "b").Add("only one"));

    [Fact]
    public void A_report_shows_what_the_sidecar_adds_and_whether_targets_were_met()
    {
        var report = new ScenarioReport("Title", "Setup.");
        var baseline = report.Add(new ReportRow("direct", 1000, Summary(p50: 0.20, p99: 1.00), 0));
        var dapr = report.Add(new ReportRow("sidecar", 500, Summary(p50: 0.70, p99: 3.00), 0));
        report.Compare("two sidecars", baseline, dapr);
        report.Target("added p50", "+0.50 ms", "<= +0.5 ms", met: true);
        report.Target("added p99", "+2.00 ms", "<= +1.5 ms", met: false);

        var markdown = report.ToMarkdown();

        Assert.Contains("| two sidecars | +0.50 | +0.50 | +2.00 | 50% of baseline |", markdown);
        Assert.Contains("| added p50 | +0.50 ms | <= +0.5 ms | yes |", markdown);
        Assert.Contains("| added p99 | +2.00 ms | <= +1.5 ms | NO |", markdown);
        Assert.Single(report.Targets, t => !t.Met);
    }

    [Fact]
    public void Builds_are_set_side_by_side_by_variant_sidecar_and_target()
    {
        ScenarioReport Report(string build, double opsPerSecond, double p50, bool met)
        {
            var report = new ScenarioReport("Invocation", "Setup.") { Build = build };
            report.Add(new ReportRow("sidecars [max]", opsPerSecond, Summary(p50, p99: 2 * p50), 0));
            report.Target("peak RSS", $"{opsPerSecond / 100:0} MB", "<= 40 MB", met);
            return report;
        }

        var text = BuildComparison.Render([Report("old", 5000, 1.5, met: false), Report("new", 9000, 1.0, met: true)], ["old", "new"], markdown: true);

        Assert.Contains("### Side by side: Invocation", text);
        Assert.Contains("| Variant | ops/s old | p50 ms old | p99 ms old | ops/s new | p50 ms new | p99 ms new |", text);
        Assert.Contains("| sidecars [max] | 5000 | 1.50 | 3.00 | 9000 | 1.00 | 2.00 |", text);
        Assert.Contains("| peak RSS | <= 40 MB | 50 MB (MISSED) | 90 MB (met) |", text);
    }

    [Fact]
    public void A_scenario_run_on_one_build_only_is_not_set_side_by_side() =>
        Assert.Equal("", BuildComparison.Render([new ScenarioReport("Invocation", "Setup.") { Build = "new" }], ["old", "new"], markdown: true));

    private static LatencySummary Summary(double p50, double p99) => new(100, p50, p50, p99, p99, p99, p50);
}
