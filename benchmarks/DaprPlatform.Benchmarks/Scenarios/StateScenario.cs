using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;
using StackExchange.Redis;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>
/// State: a save followed by a get of the same key, through the sidecar's state API (state.redis) and straight to
/// the same Redis with StackExchange.Redis writing the same layout (a hash with data and version) atomically.
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

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var environment = context.Environment;
        var redisHost = environment.Infrastructure.RedisHost;
        var resources = environment.CreateResources().AddRedisStateStore(redisHost, StoreName);
        var sidecar = await environment.StartSidecarAsync(AppId, appPort: null, resources.Path, cancellationToken);
        var idle = SidecarMemory.ReadIdle(sidecar);

        var value = Encoding.UTF8.GetBytes($"{{\"pad\":\"{new string('x', Math.Max(0, context.PayloadSize - 10))}\"}}");
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
        // As the sidecar does: SE.Redis 1.x otherwise completes every command through one ordered queue thread.
        redis.PreserveAsyncOrder = false;
        var database = redis.GetDatabase();
        using var client = LoadClient.Create(sidecar.HttpEndpoint, concurrency);
        var json = new MediaTypeHeaderValue("application/json");

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

        var report = new ScenarioReport(
            "State: save + get (state.redis)",
            $"Each operation saves a {value.Length}-byte JSON value and reads it back ({KeysPerWorker} keys per worker, {concurrency} concurrent workers): as many as they can [max], and at a fixed rate of operations. Baseline: StackExchange.Redis 1.2.6 against the same Redis, writing the sidecar's layout (HSET data + HINCRBY version in one Lua script) and reading with HGETALL. Sidecar path: `POST /v1.0/state/{StoreName}` then `GET /v1.0/state/{StoreName}/{{key}}` over HTTP/1.1 keep-alive.");
        context.Log.WriteLine("State (save + get)");
        foreach (var mode in context.Modes)
        {
            var baseline = await context.MeasureAsync($"StackExchange.Redis direct{mode.Suffix}", direct, cancellationToken, settings: mode.Load);
            await using var sampler = new ProcessSampler([SampledProcess.Sidecar("sidecar", sidecar)]);
            var sidecarResult = await context.MeasureAsync($"sidecar state API (state.redis){mode.Suffix}", viaSidecar, cancellationToken, [sidecar.Process.Id], mode.Load);
            var usage = await sampler.StopAsync();

            var pairBase = report.Add(ReportRow.From(baseline, $"direct: save + get{mode.Suffix}"));
            var pairDapr = report.Add(ReportRow.From(sidecarResult, $"sidecar: save + get{mode.Suffix}"));
            var saveBase = report.Add(ReportRow.FromStage(baseline, SaveStage, $"direct: save{mode.Suffix}"));
            var saveDapr = report.Add(ReportRow.FromStage(sidecarResult, SaveStage, $"sidecar: save{mode.Suffix}"));
            var getBase = report.Add(ReportRow.FromStage(baseline, GetStage, $"direct: get{mode.Suffix}"));
            var getDapr = report.Add(ReportRow.FromStage(sidecarResult, GetStage, $"sidecar: get{mode.Suffix}"));
            report.Compare($"save + get{mode.Suffix}", pairBase, pairDapr);
            report.Compare($"save{mode.Suffix}", saveBase, saveDapr);
            report.Compare($"get{mode.Suffix}", getBase, getDapr);
            SidecarMemory.Report(report, mode.Name, usage, sidecarResult.AllOperations);
        }

        SidecarMemory.NoteIdle(report, idle);
        report.Note("ops/s of the save and get rows is that of the whole save + get operation.");
        report.Note("Dapr 1.17 published (Kubernetes, 1000 requests/s, 16 connections): HTTP state p50 0.73 ms, p90 1.60 ms, p99 1.97 ms, +0.28 ms p50 over the baseline.");
        return [report];
    }
}
