using System.Net.Http.Headers;
using DaprPlatform.Benchmarks.EchoApp;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>
/// Service invocation: the caller POSTs a body to the echo app directly (baseline), then through two sidecars
/// (caller → sidecar A /v1.0/invoke/bench-echo/method/echo → sidecar B's internal port → app), as in Dapr's own
/// service-invocation perf test (1 KB, 16 connections).
/// </summary>
public sealed class InvokeScenario : IScenario
{
    public const double TargetAddedP50Ms = 0.5;
    public const double TargetAddedP99Ms = 1.5;

    private const string CallerAppId = "bench-caller";
    private const string TargetAppId = "bench-echo";

    public string Name => "invoke";

    public bool NeedsServers => false;

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var environment = context.Environment;
        var app = environment.Own(await AppProcess.StartAsync(environment, cancellationToken));
        var resources = environment.CreateResources();
        var target = await environment.StartSidecarAsync(TargetAppId, app.Port, resources.Path, cancellationToken);
        var caller = await environment.StartSidecarAsync(CallerAppId, appPort: null, resources.Path, cancellationToken);
        var idle = SidecarMemory.ReadIdle(caller, target);

        var payload = new byte[context.PayloadSize];
        Array.Fill(payload, (byte)'x');
        var contentType = new MediaTypeHeaderValue("application/octet-stream");

        using var direct = LoadClient.Create(app.BaseAddress, context.Load.Concurrency);
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

        context.Log.WriteLine("Service invocation");
        var baseline = await context.MeasureAsync("app -> app (direct)", Echo(direct, directUri), cancellationToken);
        await using var sampler = new ProcessSampler([("sidecar A (caller)", caller.Process.Id), ("sidecar B (target)", target.Process.Id), ("echo app", app.Pid)]);
        var sidecars = await context.MeasureAsync("app -> sidecar A -> sidecar B -> app", Echo(viaSidecars, invokeUri), cancellationToken, [caller.Process.Id, target.Process.Id]);
        var usage = await sampler.StopAsync();

        var report = new ScenarioReport(
            "Service invocation (HTTP, two sidecars)",
            $"POST of a {context.PayloadSize}-byte body to an echo app (a separate Kestrel process), {context.Load.Concurrency} concurrent keep-alive connections, closed loop. Baseline: straight to the app. Sidecar path: caller -> sidecar A `/v1.0/invoke/{TargetAppId}/method/echo` -> sidecar B (internal port) -> app.");
        var baseRow = report.Add(ReportRow.From(baseline));
        var daprRow = report.Add(ReportRow.From(sidecars));
        report.Compare("two sidecars", baseRow, daprRow);
        var addedP50 = daprRow.Latency.P50 - baseRow.Latency.P50;
        var addedP99 = daprRow.Latency.P99 - baseRow.Latency.P99;
        report.Target("added p50", $"{ScenarioReport.Signed(addedP50)} ms", $"<= +{TargetAddedP50Ms} ms (Dapr 1.17: +1.06 ms)", addedP50 <= TargetAddedP50Ms);
        report.Target("added p99", $"{ScenarioReport.Signed(addedP99)} ms", $"<= +{TargetAddedP99Ms} ms (Dapr 1.17: +2.90 ms)", addedP99 <= TargetAddedP99Ms);
        SidecarMemory.Report(report, "load", usage, idle, sidecars.AllOperations);
        return [report];
    }
}
