using System.Net.Http.Headers;
using DaprPlatform.Benchmarks.EchoApp;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>
/// Service invocation: the caller POSTs a body to the echo app directly (baseline), then through two sidecars
/// (caller → sidecar A /v1.0/invoke/bench-echo/method/echo → sidecar B's internal port → app), as in Dapr's own
/// service-invocation perf test (1 KB, 16 connections, 1000 requests/s). Between the two runs the same body goes
/// through two minimal forwarders (<see cref="ForwarderBuild"/>): the floor, what the HTTP stack the sidecar is built on
/// adds by itself, built as the sidecar is built (NativeAOT).
/// </summary>
public sealed class InvokeScenario : IScenario
{
    public const double TargetAddedP50Ms = 0.5;
    public const double TargetAddedP99Ms = 1.5;

    /// <summary>Issue 13: the sidecars' own work, on top of the floor's two hops, at p50 and the fixed rate.</summary>
    public const double TargetOwnWorkP50Ms = 0.1;

    /// <summary>Issue 13: at saturation the sidecar path carries at least this share of the floor's requests/s.</summary>
    public const double TargetThroughputOfFloor = 0.8;

    private const string CallerAppId = "bench-caller";
    private const string TargetAppId = "bench-echo";

    public string Name => "invoke";

    public bool NeedsServers => false;

    public int VariantCount => 3;

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var environment = context.Environment;
        var app = environment.Own(await AppProcess.StartAsync(environment, cancellationToken));
        var resources = environment.CreateResources();
        var target = await environment.StartSidecarAsync(TargetAppId, app.Port, resources.Path, cancellationToken);
        var caller = await environment.StartSidecarAsync(CallerAppId, appPort: null, resources.Path, cancellationToken);
        var idle = SidecarMemory.ReadIdle(caller, target);
        var forwarder = await ForwarderBuild.EnsureAsync(environment.Profile, context.Log, cancellationToken);
        var forwarderB = environment.Own(await AppProcess.StartForwarderAsync(environment, forwarder, app.BaseAddress, cancellationToken));
        var forwarderA = environment.Own(await AppProcess.StartForwarderAsync(environment, forwarder, forwarderB.BaseAddress, cancellationToken));

        var payload = new byte[context.PayloadSize];
        Array.Fill(payload, (byte)'x');
        var contentType = new MediaTypeHeaderValue("application/octet-stream");

        using var direct = LoadClient.Create(app.BaseAddress, context.Load.Concurrency);
        using var viaForwarders = LoadClient.Create(forwarderA.BaseAddress, context.Load.Concurrency);
        using var viaSidecars = LoadClient.Create(caller.HttpEndpoint, context.Load.Concurrency);
        var directUri = new Uri(BenchmarkApp.EchoPath, UriKind.Relative);
        var invokeUri = new Uri($"v1.0/invoke/{TargetAppId}/method/echo", UriKind.Relative);

        LoadOperation Echo(HttpClient client, Uri uri) => async (_, ct) =>
        {
            using var content = new ByteArrayContent(payload);
            content.Headers.ContentType = contentType;
            using var response = await client.PostAsync(uri, content, ct);
            var length = await LoadClient.DrainAsync(response, 200, ct);
            if (length != payload.Length)
            {
                throw new InvalidOperationException($"echo answered {length} bytes, sent {payload.Length}");
            }
        };

        var report = new ScenarioReport(
            "Service invocation (HTTP, two sidecars)",
            $"POST of a {context.PayloadSize}-byte body to an echo app (a separate Kestrel process) over {context.Load.Concurrency} keep-alive connections: as many as they carry [max], and at a fixed rate. Baseline: straight to the app. Floor: through two minimal forwarders (Kestrel in, SocketsHttpHandler out, body streamed; the sidecar's stack and runtime settings without any of its work), i.e. what two HTTP hops on this stack cost here by themselves. Sidecar path: caller -> sidecar A `/v1.0/invoke/{TargetAppId}/method/echo` -> sidecar B (internal port) -> app.");
        context.Log.WriteLine("Service invocation");
        foreach (var mode in context.Modes)
        {
            var baseline = await context.MeasureAsync($"app -> app (direct){mode.Suffix}", Echo(direct, directUri), cancellationToken, settings: mode.Load);
            await using var floorSampler = new ProcessSampler([("forwarder A", forwarderA.Pid), ("forwarder B", forwarderB.Pid)]);
            var floor = await context.MeasureAsync(
                $"app -> forwarder -> forwarder -> app{mode.Suffix}", Echo(viaForwarders, directUri), cancellationToken, [forwarderA.Pid, forwarderB.Pid], mode.Load);
            var floorUsage = await floorSampler.StopAsync();
            await using var sampler = new ProcessSampler([SampledProcess.Sidecar("sidecar A (caller)", caller), SampledProcess.Sidecar("sidecar B (target)", target), ("echo app", app.Pid)]);
            var sidecars = await context.MeasureAsync(
                $"app -> sidecar A -> sidecar B -> app{mode.Suffix}", Echo(viaSidecars, invokeUri), cancellationToken, [caller.Process.Id, target.Process.Id], mode.Load);
            var usage = await sampler.StopAsync();

            var baseRow = report.Add(ReportRow.From(baseline));
            var floorRow = report.Add(ReportRow.From(floor));
            var daprRow = report.Add(ReportRow.From(sidecars));
            report.Compare($"two minimal forwarders (floor){mode.Suffix}", baseRow, floorRow);
            report.Compare($"two sidecars{mode.Suffix}", baseRow, daprRow);
            if (mode == context.TargetMode)
            {
                var addedP50 = daprRow.Latency.P50 - baseRow.Latency.P50;
                var addedP99 = daprRow.Latency.P99 - baseRow.Latency.P99;
                report.Target($"added p50{mode.Suffix}", $"{ScenarioReport.Signed(addedP50)} ms", $"<= +{TargetAddedP50Ms} ms (Dapr 1.17: +1.06 ms)", addedP50 <= TargetAddedP50Ms);
                report.Target($"added p99{mode.Suffix}", $"{ScenarioReport.Signed(addedP99)} ms", $"<= +{TargetAddedP99Ms} ms (Dapr 1.17: +2.90 ms)", addedP99 <= TargetAddedP99Ms);
                var ownWork = daprRow.Latency.P50 - floorRow.Latency.P50;
                report.Target($"sidecars' own work over the floor, p50{mode.Suffix}", $"{ScenarioReport.Signed(ownWork)} ms", $"<= +{TargetOwnWorkP50Ms} ms", ownWork <= TargetOwnWorkP50Ms);
                report.Note(
                    $"The floor{mode.Suffix}: two minimal forwarders add {ScenarioReport.Signed(floorRow.Latency.P50 - baseRow.Latency.P50)} ms at p50 and " +
                    $"{ScenarioReport.Signed(floorRow.Latency.P99 - baseRow.Latency.P99)} ms at p99; the sidecars' own work on top of that is " +
                    $"{ScenarioReport.Signed(ownWork)} ms at p50 and {ScenarioReport.Signed(daprRow.Latency.P99 - floorRow.Latency.P99)} ms at p99.");
            }

            if (!mode.IsFixedRate && floorRow.OperationsPerSecond > 0)
            {
                var share = daprRow.OperationsPerSecond / floorRow.OperationsPerSecond;
                report.Target($"sidecar path's requests/s over the floor's{mode.Suffix}", $"{share:0.00}x", $">= {TargetThroughputOfFloor}x", share >= TargetThroughputOfFloor);
            }

            SidecarMemory.Report(report, mode.Name, usage, sidecars.AllOperations, SidecarMemory.TargetFor(mode));
            SidecarMemory.Report(report, mode.Name, floorUsage, floor.AllOperations, targetMb: null);
        }

        SidecarMemory.NoteIdle(report, idle);
        report.Note("Dapr 1.17 published (Kubernetes, 1000 requests/s, 16 connections, 1 KB): p50 1.59 ms, p90 2.38 ms, p99 3.89 ms end to end; added by the two sidecars +1.06 ms p50, +1.48 ms p90, +2.90 ms p99; a sidecar uses ~0.20 cores and ~51 MB at that rate.");
        return [report];
    }
}
