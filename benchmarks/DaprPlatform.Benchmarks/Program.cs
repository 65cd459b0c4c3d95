using System.Globalization;
using System.Text;
using DaprPlatform.Benchmarks.EchoApp;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;
using DaprPlatform.Benchmarks.Scenarios;

if (args is [BenchmarkApp.Mode, "--port", var portText, ..])
{
    return await BenchmarkApp.RunAsync(int.Parse(portText, CultureInfo.InvariantCulture), args[3..]);
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

IScenario[] available = [new StartupScenario(), new InvokeScenario(), new StateScenario(), new PubSubScenario(), new WorkflowScenario(), new OrdersScenario()];
var scenarios = available.Where(s => options.Scenarios.Contains(s.Name)).ToList();
if (options.BaselineSidecar is { } baselinePath && !File.Exists(baselinePath))
{
    Console.Error.WriteLine($"--baseline-sidecar: there is no sidecar build at {baselinePath}");
    return 2;
}

// Bounded no matter what: every variant has a fixed warmup and duration; the rest is startup and draining.
var buildCount = options.BaselineSidecar is null ? 1 : 2;
var variants = buildCount * scenarios.Sum(s => s.VariantCount * (s.UsesLoadModes && options.Rate > 0 ? 2 : 1));
var limit = TimeSpan.FromMinutes(5) + variants * (options.Warmup + options.Duration + TimeSpan.FromSeconds(45))
    + buildCount * scenarios.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.SetupTime);
using var cancellation = new CancellationTokenSource(limit);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var log = Console.Out;
var facts = MachineFacts.Collect();
log.WriteLine($"DaprPlatform benchmarks: {string.Join(", ", options.Scenarios)}; {options.Concurrency} concurrent, {options.Warmup.TotalSeconds:0.#} s warmup + {options.Duration.TotalSeconds:0.#} s per variant (stops by itself within {limit.TotalMinutes:0} min)");
log.WriteLine(facts.ToConsole());
var loadBefore = MachineFacts.LoadAverage();
log.WriteLine($"Load average (1/5/15 min) at start: {loadBefore}");

var reports = new List<ScenarioReport>();
var failures = new List<string>();
await using (var environment = await BenchmarkEnvironment.StartAsync(scenarios.Any(s => s.NeedsServers), options.RebuildSidecar, options.Profile, options.LogDirectory, options.SidecarEnvironment, log, cancellation.Token))
{
    var context = new BenchmarkContext(
        environment, new LoadSettings(options.Concurrency, options.Warmup, options.Duration, options.MaxOperations), options.PayloadSize, options.WorkflowConcurrency, options.Rate, log)
    {
        OrderRate = options.OrderRate,
        OrdersInFlight = options.OrdersInFlight,
    };
    // With a baseline, each scenario runs on it and then on this build, back to back, so both meet the same machine.
    (string? Label, string Path)[] builds = options.BaselineSidecar is { } baseline
        ? [(options.BaselineLabel, baseline), (options.Label, environment.Sidecar)]
        : [(null, environment.Sidecar)];
    foreach (var scenario in scenarios)
    {
        foreach (var build in builds)
        {
            try
            {
                environment.UseSidecar(build.Path);
                if (build.Label is not null)
                {
                    log.WriteLine($"{scenario.Name} on {build.Label}: {build.Path}");
                }

                var produced = await scenario.RunAsync(context, cancellation.Token);
                foreach (var report in produced)
                {
                    report.Build = build.Label;
                    log.WriteLine();
                    log.Write(report.ToConsole());
                }

                reports.AddRange(produced);
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                failures.Add($"{scenario.Name}{(build.Label is null ? "" : $" on {build.Label}")}: {e.GetType().Name}: {e.Message}");
                log.WriteLine($"Scenario {scenario.Name} failed: {e}");
            }
            finally
            {
                await environment.StopOwnedAsync();
            }
        }
    }
}

string[] buildLabels = options.BaselineSidecar is null ? [] : [options.BaselineLabel, options.Label];
if (buildLabels.Length > 0)
{
    log.WriteLine();
    log.Write(BuildComparison.Render(reports, buildLabels, markdown: false));
}

var loadAfter = MachineFacts.LoadAverage();
var markdown = new StringBuilder()
    .AppendLine($"## Run of {facts.Date:yyyy-MM-dd HH:mm} UTC: {string.Join(", ", options.Scenarios)}")
    .AppendLine()
    .Append(facts.ToMarkdown())
    .AppendLine()
    .AppendLine(options.BaselineSidecar is null ? "" : $"Sidecar builds: **{options.BaselineLabel}** (`{options.BaselineSidecar}`) and **{options.Label}**, each scenario on the first then the second.\n")
    .AppendLine(options.SidecarEnvironment.Count == 0 ? "" : $"Sidecar environment: {string.Join(", ", options.SidecarEnvironment.Select(e => $"`{e.Key}={e.Value}`"))}.\n")
    .AppendLine($"Settings: {SettingsOf(options)}, {options.Warmup.TotalSeconds:0.#} s warmup + {options.Duration.TotalSeconds:0.#} s measured per variant{(options.MaxOperations is { } max ? $" (at most {max} operations)" : "")}; everything on 127.0.0.1. Load average (1/5/15 min) at start {loadBefore}, at end {loadAfter}.")
    .AppendLine();
markdown.Append(BuildComparison.Render(reports, buildLabels, markdown: true));
foreach (var report in reports)
{
    markdown.Append(report.ToMarkdown());
}

foreach (var failure in failures)
{
    markdown.AppendLine($"- **Not measured** - {failure}");
}

var markdownPath = options.MarkdownPath ?? Path.Combine(Path.GetTempPath(), $"daprplatform-benchmarks-{facts.Date:yyyyMMdd-HHmmss}.md");
await File.WriteAllTextAsync(markdownPath, markdown.ToString());
log.WriteLine();
log.WriteLine($"Load average at end: {loadAfter}");
log.WriteLine($"Markdown report of this run (for docs/benchmarks-history.md) written to {markdownPath}");
var missed = reports.SelectMany(r => r.Targets).Count(t => !t.Met);
log.WriteLine($"{reports.Count} report(s), {failures.Count} failed scenario(s), {missed} target(s) missed.");
return failures.Count == 0 ? 0 : 1;

// The load settings of the scenarios that ran: the sidecar scenarios' and the orders scenario's are set apart.
static string SettingsOf(BenchmarkOptions options)
{
    var parts = new List<string>();
    if (options.Scenarios.Any(s => s != "orders"))
    {
        parts.Add($"{options.Concurrency} concurrent ({options.WorkflowConcurrency} workflows in flight), closed loop [max]{(options.Rate > 0 ? $" and a fixed {options.Rate} requests/s [{options.Rate}/s]" : "")}, {options.PayloadSize}-byte payloads");
    }

    if (options.Scenarios.Contains("orders"))
    {
        parts.Add($"orders: {options.Concurrency} workers at {options.OrderRate} orders/s, then {options.OrdersInFlight} orders in flight [max]");
    }

    return string.Join("; ", parts);
}
