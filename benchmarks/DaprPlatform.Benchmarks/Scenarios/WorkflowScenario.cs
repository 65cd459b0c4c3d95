using System.Globalization;
using Dapr.Workflow;
using Dapr.Workflow.Registration;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;
using DaprPlatform.Benchmarks.Workflows;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>
/// Workflow throughput: a client schedules workflows and waits for each to complete, a fixed number in flight, while a
/// worker app (a separate process) runs them through the sidecar's engine; client and worker are the official
/// Dapr.Workflow SDK. Two workflows (five activities in sequence; fan-out/fan-in of ten) on two actor state stores
/// (state.in-memory, state.redis).
/// There is no direct baseline: the figures are set against the targets and Dapr's published results.
/// </summary>
public sealed class WorkflowScenario : IScenario
{
    public const double TargetSequencePerSecond = 800;
    public const double TargetFanOutPerSecond = 800;
    private const string StoreName = "workflowstore";
    private static readonly TimeSpan FirstWorkflowTimeout = TimeSpan.FromSeconds(60);

    public string Name => "workflow";

    public bool NeedsServers => true;

    public int VariantCount => 4;

    public bool UsesLoadModes => false;

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var load = context.Load with { Concurrency = context.WorkflowConcurrency };
        var report = new ScenarioReport(
            "Workflows: throughput of the engine",
            $"A client (Dapr.Workflow 1.19.1 `DaprWorkflowClient`) schedules a workflow and waits for its completion, {load.Concurrency} workflows in flight; a worker app (a separate process, Dapr.Workflow 1.19.1 `AddDaprWorkflow`) runs them through the sidecar over gRPC. `{SequenceWorkflow.Name}`: {SequenceWorkflow.Steps} activities one after another. `{FanOutWorkflow.Name}`: {FanOutWorkflow.Width} activities at once, then their sum. The activity only adds 1. Latency is schedule-to-completion of one workflow; ops/s is completed workflows per second.");

        context.Log.WriteLine("Workflows");
        foreach (var backend in new[] { "state.in-memory", "state.redis" })
        {
            var resources = context.Environment.CreateResources();
            if (backend == "state.redis")
            {
                resources.AddRedisStateStore(context.Environment.Infrastructure.RedisHost, StoreName, actorStateStore: true);
            }
            else
            {
                resources.AddComponent(StoreName, "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
            }

            await MeasureBackendAsync(context, report, backend, resources.Path, load, cancellationToken);
            await context.Environment.StopOwnedAsync();
        }

        report.Note("The in-memory store keeps the history of every finished workflow (daprd's does too, until a purge), so that sidecar's memory grows with the number of workflows run; only the state.redis sidecar is judged against the RSS target.");
        report.Note($"Targets (issue 13): >= {TargetSequencePerSecond} workflows/s for the sequence and >= {TargetFanOutPerSecond} workflows/s for the fan-out, with state.redis, client and worker on the official Dapr.Workflow SDK. Dapr 1.17's own perf run (Kubernetes, k6, real activities) reports 97.9 workflows/s for parallel and 57.4 for series workflows.");
        return [report];
    }

    private static async Task MeasureBackendAsync(
        BenchmarkContext context, ScenarioReport report, string backend, string resourcesPath, LoadSettings load, CancellationToken cancellationToken)
    {
        var environment = context.Environment;
        var sidecar = await environment.StartSidecarAsync($"bench-workflow-{backend.Replace('.', '-')}", appPort: null, resourcesPath, cancellationToken);
        SidecarMemory.NoteIdle(report, SidecarMemory.ReadIdle(sidecar));
        var worker = environment.Own(await AppProcess.StartAsync(
            environment, cancellationToken, "--dapr-grpc-port", sidecar.GrpcPort.ToString(CultureInfo.InvariantCulture)));

        // The builder rather than DI: Dapr.Workflow's public registration (AddDaprWorkflow) also adds a worker, and
        // this process hosts no workflows.
        await using var client = new DaprWorkflowClientBuilder()
            .UseGrpcEndpoint($"http://127.0.0.1:{sidecar.GrpcPort}")
            .Build();

        // The worker connects in the background: the first workflow completes once it has.
        using (var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            first.CancelAfter(FirstWorkflowTimeout);
            await RunOneAsync(client, SequenceWorkflow.Name, 0, SequenceWorkflow.Steps, first.Token);
        }

        await using var sampler = new ProcessSampler([SampledProcess.Sidecar("sidecar", sidecar), ("workflow worker app", worker.Pid)]);
        var sequence = await context.MeasureAsync(
            $"{SequenceWorkflow.Name} on {backend}",
            (w, ct) => RunOneAsync(client, SequenceWorkflow.Name, Input(w), Input(w) + SequenceWorkflow.Steps, ct),
            cancellationToken,
            [sidecar.Process.Id],
            load);
        var fanOut = await context.MeasureAsync(
            $"{FanOutWorkflow.Name} on {backend}",
            (w, ct) => RunOneAsync(client, FanOutWorkflow.Name, Input(w), FanOutWorkflow.Expected(Input(w)), ct),
            cancellationToken,
            [sidecar.Process.Id],
            load);
        var usage = await sampler.StopAsync();

        report.Add(ReportRow.From(sequence));
        report.Add(ReportRow.From(fanOut));
        if (backend == "state.redis")
        {
            report.Target($"{SequenceWorkflow.Name} on {backend}", $"{ScenarioReport.F0(sequence.OperationsPerSecond)} workflows/s", $">= {TargetSequencePerSecond}/s", sequence.OperationsPerSecond >= TargetSequencePerSecond);
            report.Target($"{FanOutWorkflow.Name} on {backend}", $"{ScenarioReport.F0(fanOut.OperationsPerSecond)} workflows/s", $">= {TargetFanOutPerSecond}/s", fanOut.OperationsPerSecond >= TargetFanOutPerSecond);
        }

        // The in-memory store keeps every finished workflow's history (as daprd's does until a purge): its memory
        // grows with the number of workflows run, so only the Redis-backed sidecar is judged against the RSS target.
        SidecarMemory.Report(
            report, backend, usage, sequence.AllOperations + fanOut.AllOperations, backend == "state.redis" ? SidecarMemory.TargetRssWorkflowMb : null);
    }

    private static int Input(LoadWorker worker) => (int)(worker.Index * 1000 + worker.Sequence % 1000);

    private static async ValueTask RunOneAsync(DaprWorkflowClient client, string workflow, int input, int expected, CancellationToken cancellationToken)
    {
        var instanceId = await client.ScheduleNewWorkflowAsync(workflow, instanceId: null, input, startTime: null, cancellationToken);
        var state = await client.WaitForWorkflowCompletionAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (state.RuntimeStatus != WorkflowRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"{workflow} {instanceId} ended {state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}");
        }

        var output = state.ReadOutputAs<int>();
        if (output != expected)
        {
            throw new InvalidOperationException($"{workflow} {instanceId} returned {output}, expected {expected}");
        }
    }
}
