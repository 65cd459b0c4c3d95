using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapr.Client;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;
using DaprPlatform.Testing;
using StackExchange.Redis;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>
/// State: a save followed by a get of the same key, through the sidecar's state API (state.redis) over HTTP and over
/// gRPC with the official Dapr.Client, and straight to the same Redis with StackExchange.Redis writing the same layout
/// (a hash with data and version) atomically.
/// </summary>
public sealed class StateScenario : IScenario
{
    private const string AppId = "bench-state";
    private const string StoreName = "statestore";
    private const int KeysPerWorker = 100;
    private const string SaveStage = "save";
    private const string GetStage = "get";

    // The direct baseline's write: daprd's hash layout (data + version incremented) in one atomic round trip.
    private const string DirectSetScript = """
        redis.call("HSET", KEYS[1], "data", ARGV[1])
        return redis.call("HINCRBY", KEYS[1], "version", 1)
        """;

    public string Name => "state";

    public bool NeedsServers => true;

    public int VariantCount => 3;

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var environment = context.Environment;
        var redisHost = environment.Infrastructure.RedisHost;
        var resources = environment.CreateResources().AddRedisStateStore(redisHost, StoreName);
        var sidecar = await environment.StartSidecarAsync(AppId, appPort: null, resources.Path, cancellationToken);
        var idle = SidecarMemory.ReadIdle(sidecar);
        SampledProcess[] redisServer = [.. ServerProcesses.Redis(environment.Infrastructure).Select(pid => new SampledProcess("redis-server", pid))];

        // The same JSON on every path: serialized as Dapr.Client serializes state (System.Text.Json, web defaults).
        var padded = new PaddedValue(new string('x', Math.Max(0, context.PayloadSize - 10)));
        var value = JsonSerializer.SerializeToUtf8Bytes(padded, JsonSerializerOptions.Web);
        var concurrency = context.Load.Concurrency;
        var keys = new string[concurrency][];
        var saveBodies = new byte[concurrency][][];
        for (var w = 0; w < concurrency; w++)
        {
            keys[w] = new string[KeysPerWorker];
            saveBodies[w] = new byte[KeysPerWorker][];
            for (var k = 0; k < KeysPerWorker; k++)
            {
                keys[w][k] = $"bench-{w}-{k}";
                saveBodies[w][k] = Encoding.UTF8.GetBytes($"[{{\"key\":\"{keys[w][k]}\",\"value\":{Encoding.UTF8.GetString(value)}}}]");
            }
        }

        using var redis = await ConnectionMultiplexer.ConnectAsync(redisHost);
        var database = redis.GetDatabase();
        using var client = LoadClient.Create(sidecar.HttpEndpoint, concurrency);
        var json = new MediaTypeHeaderValue("application/json");
        // One client for every worker, as the SDK means it to be used: its gRPC channel multiplexes them.
        using var daprClient = new DaprClientBuilder().UseGrpcEndpoint($"http://127.0.0.1:{sidecar.GrpcPort}").Build();

        LoadOperation direct = async (worker, _) =>
        {
            var key = "bench-direct||" + keys[worker.Index][worker.Sequence % KeysPerWorker];
            var started = Stopwatch.GetTimestamp();
            await database.ScriptEvaluateAsync(DirectSetScript, [key], [value]);
            worker.RecordStage(SaveStage, started);
            started = Stopwatch.GetTimestamp();
            var fields = await database.HashGetAllAsync(key);
            worker.RecordStage(GetStage, started);
            if (fields.Length < 2)
            {
                throw new InvalidOperationException($"HGETALL {key} returned {fields.Length} fields");
            }
        };

        LoadOperation viaSidecar = async (worker, ct) =>
        {
            var slot = (int)(worker.Sequence % KeysPerWorker);
            var started = Stopwatch.GetTimestamp();
            using (var content = new ByteArrayContent(saveBodies[worker.Index][slot]))
            {
                content.Headers.ContentType = json;
                using var saved = await client.PostAsync($"v1.0/state/{StoreName}", content, ct);
                await LoadClient.DrainAsync(saved, 204, ct);
            }

            worker.RecordStage(SaveStage, started);
            started = Stopwatch.GetTimestamp();
            using var got = await client.GetAsync($"v1.0/state/{StoreName}/{keys[worker.Index][slot]}", ct);
            var length = await LoadClient.DrainAsync(got, 200, ct);
            worker.RecordStage(GetStage, started);
            if (length != value.Length)
            {
                throw new InvalidOperationException($"GET returned {length} bytes, saved {value.Length}");
            }
        };

        LoadOperation viaGrpc = async (worker, ct) =>
        {
            var key = keys[worker.Index][worker.Sequence % KeysPerWorker];
            var started = Stopwatch.GetTimestamp();
            await daprClient.SaveStateAsync(StoreName, key, padded, cancellationToken: ct);
            worker.RecordStage(SaveStage, started);
            started = Stopwatch.GetTimestamp();
            var got = await daprClient.GetStateAsync<PaddedValue>(StoreName, key, cancellationToken: ct);
            worker.RecordStage(GetStage, started);
            if (got?.Pad.Length != padded.Pad.Length)
            {
                throw new InvalidOperationException($"GetStateAsync returned {(got is null ? "nothing" : $"{got.Pad.Length} padding characters")}, saved {padded.Pad.Length}");
            }
        };

        var report = new ScenarioReport(
            "State: save + get (state.redis)",
            $"Each operation saves a {value.Length}-byte JSON value and reads it back ({KeysPerWorker} keys per worker, {concurrency} concurrent workers): as many as they can [max], and at a fixed rate of operations. Baseline: StackExchange.Redis (the sidecar's version) against the same Redis, writing the sidecar's layout (HSET data + HINCRBY version in one Lua script) and reading with HGETALL. HTTP: `POST /v1.0/state/{StoreName}` then `GET /v1.0/state/{StoreName}/{{key}}` over HTTP/1.1 keep-alive. gRPC: the official Dapr.Client 1.19.1 `DaprClient` (`SaveStateAsync` then `GetStateAsync`, JSON-serialized by the SDK), one client shared by all workers over one HTTP/2 channel.");
        context.Log.WriteLine("State (save + get)");
        foreach (var mode in context.Modes)
        {
            var (baseline, baseUsage) = await MeasureAsync(context, redisServer, [], $"StackExchange.Redis direct{mode.Suffix}", direct, mode, cancellationToken);
            var (http, httpUsage) = await MeasureAsync(context, [SampledProcess.Sidecar("sidecar", sidecar), .. redisServer], [sidecar.Process.Id], $"sidecar state API over HTTP (state.redis){mode.Suffix}", viaSidecar, mode, cancellationToken);
            var (grpc, grpcUsage) = await MeasureAsync(context, [SampledProcess.Sidecar("sidecar", sidecar), .. redisServer], [sidecar.Process.Id], $"sidecar state API over gRPC, Dapr.Client (state.redis){mode.Suffix}", viaGrpc, mode, cancellationToken);

            var pairBase = report.Add(ReportRow.From(baseline, $"direct: save + get{mode.Suffix}"));
            var pairHttp = report.Add(ReportRow.From(http, $"HTTP: save + get{mode.Suffix}"));
            var pairGrpc = report.Add(ReportRow.From(grpc, $"gRPC: save + get{mode.Suffix}"));
            var saveBase = report.Add(ReportRow.FromStage(baseline, SaveStage, $"direct: save{mode.Suffix}"));
            var saveHttp = report.Add(ReportRow.FromStage(http, SaveStage, $"HTTP: save{mode.Suffix}"));
            var saveGrpc = report.Add(ReportRow.FromStage(grpc, SaveStage, $"gRPC: save{mode.Suffix}"));
            var getBase = report.Add(ReportRow.FromStage(baseline, GetStage, $"direct: get{mode.Suffix}"));
            var getHttp = report.Add(ReportRow.FromStage(http, GetStage, $"HTTP: get{mode.Suffix}"));
            var getGrpc = report.Add(ReportRow.FromStage(grpc, GetStage, $"gRPC: get{mode.Suffix}"));
            report.Compare($"HTTP save + get{mode.Suffix}", pairBase, pairHttp);
            report.Compare($"gRPC save + get{mode.Suffix}", pairBase, pairGrpc);
            report.Compare($"HTTP save{mode.Suffix}", saveBase, saveHttp);
            report.Compare($"gRPC save{mode.Suffix}", saveBase, saveGrpc);
            report.Compare($"HTTP get{mode.Suffix}", getBase, getHttp);
            report.Compare($"gRPC get{mode.Suffix}", getBase, getGrpc);
            report.AddProcesses($"direct {mode.Name}", baseUsage, baseline.AllOperations);
            SidecarMemory.Report(report, $"HTTP {mode.Name}", httpUsage, http.AllOperations, SidecarMemory.TargetFor(mode));
            SidecarMemory.Report(report, $"gRPC {mode.Name}", grpcUsage, grpc.AllOperations, SidecarMemory.TargetFor(mode));
            if (mode == context.TargetMode)
            {
                var addedHttp = pairHttp.Latency.P50 - pairBase.Latency.P50;
                var addedGrpc = pairGrpc.Latency.P50 - pairBase.Latency.P50;
                report.Target(
                    $"gRPC save + get, added p50{mode.Suffix}",
                    $"{ScenarioReport.Signed(addedGrpc)} ms",
                    $"<= HTTP's {ScenarioReport.Signed(addedHttp)} ms",
                    addedGrpc <= addedHttp);
            }
        }

        SidecarMemory.NoteIdle(report, idle);
        report.Note("ops/s of the save and get rows is that of the whole save + get operation.");
        report.Note("The gRPC rows include what Dapr.Client itself costs (JSON serialization, protobuf, HTTP/2), as an app using the SDK pays it; the target (issue 9) is that the gRPC path adds no more than the HTTP path does.");
        report.Note("Dapr 1.17 published (Kubernetes, 1000 requests/s, 16 connections): HTTP state p50 0.73 ms, p90 1.60 ms, p99 1.97 ms, +0.28 ms p50 over the baseline.");
        return [report];
    }

    /// <param name="sampled">The processes whose memory and CPU are reported; Redis's too, on every path, since the
    /// paths' batching of commands shows in the server's CPU per operation.</param>
    /// <param name="profiled">The processes --profile samples.</param>
    private static async Task<(LoadResult Result, IReadOnlyList<ProcessUsage> Usage)> MeasureAsync(
        BenchmarkContext context, IReadOnlyList<SampledProcess> sampled, int[] profiled, string label, LoadOperation operation, LoadMode mode, CancellationToken cancellationToken)
    {
        await using var sampler = new ProcessSampler(sampled);
        var result = await context.MeasureAsync(label, operation, cancellationToken, profiled, mode.Load);
        return (result, await sampler.StopAsync());
    }
}

/// <summary>The state value of the gRPC path: serialized by Dapr.Client to the same JSON the other paths write.</summary>
public sealed record PaddedValue(string Pad);
