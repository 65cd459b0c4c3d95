using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;
using Npgsql;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>
/// The platform end to end (issue 10): `dapr-dev up` runs all seven services next to their sidecars on the run's
/// Redis, RabbitMQ and PostgreSQL, and customers place orders through the gateway. At a fixed rate: the latency of
/// POST /api/orders and of the saga (from the POST to the order Confirmed with its workflow Completed, read from the
/// order's own data afterwards); as the baseline at the same rate, an authenticated GET /api/orders?pageSize=1 through
/// the same chain; then a closed loop with a fixed number of orders in flight: orders completed end to end per second.
/// </summary>
public sealed class OrdersScenario : IScenario
{
    public const double TargetOrdersPerSecond = 100;
    public const double TargetPlacementP99Ms = 50;
    public const double TargetCompletionP99Ms = 1000;

    public const int Customers = 16;

    // Seeded products 1-8, one unit each, round robin: reservations spread over the rows instead of queueing on one.
    private const int Products = 8;
    private const string PaymentMethod = "pm_card_visa";

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan PrimingTime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(10);

    // However many orders did not settle, reading them back ends within this.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromMinutes(3);
    private const int ReadParallelism = 4;

    private static readonly byte[][] Bodies = [.. Enumerable.Range(1, Products).Select(product => Encoding.UTF8.GetBytes(
        JsonSerializer.Serialize(new { items = new[] { new { productId = product, quantity = 1 } }, paymentMethod = PaymentMethod })))];

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    public string Name => "orders";

    public bool NeedsServers => true;

    public int VariantCount => 3;

    public bool UsesLoadModes => false;

    /// <summary>The first start builds seven services; then customers sign up and the fixed-rate orders are read back.</summary>
    public TimeSpan SetupTime => TimeSpan.FromMinutes(14);

    /// <summary>What every service is started with: no order waits for an admin, and one address may send everything.</summary>
    public static IReadOnlyDictionary<string, string> PlatformSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Ordering__ApprovalThreshold"] = "1000000000",
        ["Gateway__RateLimit__PermitsPerWindow"] = "1000000",
        ["Gateway__RateLimit__CredentialPermitsPerWindow"] = "1000000",
    };

    public async Task<IReadOnlyList<ScenarioReport>> RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var log = context.Log;
        var environment = context.Environment;
        var rate = context.OrderRate;
        var inFlight = context.OrdersInFlight;
        log.WriteLine("Orders (the whole platform through the gateway)");
        var platform = environment.Own(await PlatformRun.StartAsync(environment, PlatformSettings, log, cancellationToken));
        await RestockAsync(platform.ConnectionStrings["catalogdb"], cancellationToken);

        using var gateway = LoadClient.Create(platform.GatewayUrl, Math.Max(inFlight, context.Load.Concurrency) + ReadParallelism);
        var tokens = (await PlatformCustomers.SignUpAsync(gateway, Customers, cancellationToken))
            .Select(token => new AuthenticationHeaderValue("Bearer", token)).ToArray();
        await using var watcher = new OrderStatusWatcher(platform.ConnectionStrings["orderingdb"]);

        // Every process on the path runs its first order (JIT, connection pools, the workflow worker's stream) unmeasured.
        await Task.WhenAll(tokens.Select(async (token, i) =>
            await watcher.WaitForFinalAsync(await PlaceAsync(gateway, token, i, cancellationToken), cancellationToken).WaitAsync(DrainTimeout, cancellationToken)));

        // Then a while at the fixed rate, unmeasured: fresh processes run tier-0 code and fill their pools for the first
        // tens of seconds, which would be counted against the platform's steady state.
        var fixedRate = context.Load with { RatePerSecond = rate };
        await context.MeasureAsync(
            $"warming up: POST /api/orders [{rate}/s], not reported",
            async (worker, ct) => await PlaceAsync(gateway, tokens[worker.Index % tokens.Length], (int)(worker.Index + worker.Sequence), ct),
            cancellationToken,
            settings: fixedRate with { Warmup = TimeSpan.Zero, Duration = PrimingTime });

        var processes = platform.Processes();
        log.WriteLine($"  {processes.Count} platform processes: {string.Join(", ", processes.Select(p => $"{p.Name} ({p.Pid})"))}");
        var sampled = processes.Select(p => new SampledProcess(p.Name, p.Pid, p.MetricsPort)).ToList();
        var profiled = processes.Select(p => p.Pid).ToList();
        var groups = CpuGroups(environment, platform, processes);

        var report = new ScenarioReport(
            "Orders: the platform end to end through the gateway",
            $"`./dapr-dev up` runs the repository's dapr.yaml (seven services, each next to its sidecar) on state.redis, pubsub.rabbitmq and PostgreSQL, with approvals off (threshold above every order) and the gateway's rate limits raised; {Customers} customers registered and logged in through the gateway; each order is one unit of one of the {Products} seeded products (round robin, stock raised first) paid with `{PaymentMethod}`, sent as `POST /api/orders` with a bearer token and an Idempotency-Key; one order per customer and then {PrimingTime.TotalSeconds:0} s of orders at the fixed rate run unmeasured first (JIT tiers, pools). "
            + $"[{rate}/s]: orders placed at a fixed rate by {context.Load.Concurrency} workers; placement is the POST's round trip (202); saga completion is from the POST to the end of the saga's last step, read after the phase from each order's view (`GET /api/orders/{{id}}`, status Confirmed and sagaStatus Completed): the step times are the workflow's clock, stamped when the sidecar hands a turn to the app, so the last step's end is when the saga's final turn began. "
            + $"Baseline [{rate}/s]: `GET /api/orders?pageSize=1` with the same tokens at the same rate, the same chain (gateway with JWT validation, its sidecar, ordering's sidecar, ordering with JWT validation and one PostgreSQL query) without the order's own work. "
            + $"[max]: {inFlight} orders in flight, each worker placing its next order once its last one is final in the ordering database (read by primary key every {OrderStatusWatcher.Interval.TotalMilliseconds:0} ms for all waiting orders at once, not through the gateway); ops/s is orders completed end to end per second, latency is from the POST to that read.");

        // 1. The fixed rate: placement latency, then the saga's completion read from every measured order.
        var placed = new ConcurrentQueue<PlacedOrder>();
        var sampler = new ProcessSampler(sampled);
        var cpu = CpuBreakdown.Start(groups);
        var placement = await context.MeasureAsync(
            $"POST /api/orders [{rate}/s]",
            async (worker, ct) =>
            {
                var placedAt = DateTime.UtcNow;
                var customer = worker.Index % tokens.Length;
                var orderId = await PlaceAsync(gateway, tokens[customer], (int)(worker.Index + worker.Sequence), ct);
                if (worker.Measuring)
                {
                    placed.Enqueue(new PlacedOrder(orderId, placedAt, customer));
                }
            },
            cancellationToken,
            profiled,
            fixedRate);
        var usage = await sampler.StopAsync();
        var cpuShares = cpu.Stop();
        await sampler.DisposeAsync();

        log.WriteLine($"    waiting for the {placed.Count} measured orders to settle, then reading each one's view");
        var finals = await watcher.WaitForAllAsync([.. placed.Select(p => p.OrderId)], DrainTimeout, cancellationToken);
        var completion = await ReadCompletionsAsync(gateway, tokens, [.. placed], cancellationToken);
        var completionSummary = completion.Completion.Summarize();
        log.WriteLine($"    saga completion: p50 {completionSummary.P50:0.00} ms, p99 {completionSummary.P99:0.00} ms; {completion.Errors} not confirmed{(completion.FirstError is null ? "" : $" (first: {completion.FirstError})")}; final in the database: {Describe(finals)}");

        // 2. The baseline at the same rate, on the orders the phase above left.
        var baseline = await context.MeasureAsync(
            $"GET /api/orders?pageSize=1 [{rate}/s] (baseline)",
            async (worker, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/orders?pageSize=1");
                request.Headers.Authorization = tokens[worker.Index % tokens.Length];
                using var response = await gateway.SendAsync(request, ct);
                await LoadClient.DrainAsync(response, 200, ct);
            },
            cancellationToken,
            settings: fixedRate);

        // 3. The closed loop: as many orders completed end to end as the machine carries with this many in flight.
        var closedLoop = context.Load with { Concurrency = inFlight, RatePerSecond = null };
        var maxSampler = new ProcessSampler(sampled);
        var maxCpu = CpuBreakdown.Start(groups);
        var endToEnd = await context.MeasureAsync(
            $"orders completed end to end [max, {inFlight} in flight]",
            async (worker, ct) =>
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var orderId = await PlaceAsync(gateway, tokens[worker.Index % tokens.Length], (int)(worker.Index + worker.Sequence), ct);
                worker.RecordStage("placement", started);
                var status = await watcher.WaitForFinalAsync(orderId, ct).WaitAsync(DrainTimeout, ct);
                if (status != "Confirmed")
                {
                    throw new InvalidOperationException($"order {orderId} ended {status}");
                }
            },
            cancellationToken,
            profiled,
            closedLoop);
        var maxUsage = await maxSampler.StopAsync();
        var maxCpuShares = maxCpu.Stop();
        await maxSampler.DisposeAsync();

        var placementRow = report.Add(ReportRow.From(placement));
        var baselineRow = report.Add(ReportRow.From(baseline));
        report.Add(new ReportRow($"saga completion [{rate}/s]", placement.OperationsPerSecond, completionSummary, completion.Errors, completion.FirstError));
        foreach (var (stage, histogram) in completion.Stages)
        {
            report.Add(new ReportRow($"  saga: {stage} [{rate}/s]", placement.OperationsPerSecond, histogram.Summarize(), 0));
        }

        report.Add(ReportRow.From(endToEnd));
        report.Add(ReportRow.FromStage(endToEnd, "placement", $"  POST /api/orders [max, {inFlight} in flight]"));
        report.Compare($"POST /api/orders over the GET baseline [{rate}/s]", baselineRow, placementRow);

        report.Target("orders completed end to end per second [max]", $"{ScenarioReport.F0(endToEnd.OperationsPerSecond)}/s", $">= {TargetOrdersPerSecond}/s", endToEnd.OperationsPerSecond >= TargetOrdersPerSecond && endToEnd.Errors == 0);
        report.Target($"POST /api/orders p99 [{rate}/s]", $"{ScenarioReport.F2(placementRow.Latency.P99)} ms", $"< {TargetPlacementP99Ms} ms", placementRow.Latency.P99 < TargetPlacementP99Ms && placement.Errors == 0);
        report.Target($"saga completion p99 [{rate}/s]", $"{ScenarioReport.F2(completionSummary.P99)} ms", $"< {TargetCompletionP99Ms} ms", completionSummary.P99 < TargetCompletionP99Ms && completion.Errors == 0 && completionSummary.Count > 0);

        report.AddProcesses($"{rate}/s", usage, placement.AllOperations);
        report.AddProcesses("max", maxUsage, endToEnd.AllOperations);
        report.AddTable(CpuTable([($"{rate}/s", cpuShares, placement.AllOperations), ("max", maxCpuShares, endToEnd.AllOperations)]));
        var sidecars = usage.Where(u => u.Name.StartsWith("sidecar", StringComparison.Ordinal)).ToList();
        var services = usage.Where(u => u.Name.StartsWith("service", StringComparison.Ordinal)).ToList();
        report.Note($"Memory at the end of the {rate}/s phase (RSS after): sidecars {ScenarioReport.F0(sidecars.Sum(s => s.RssAfterMb))} MB together ({string.Join(", ", sidecars.Select(s => $"{s.Name[8..]} {ScenarioReport.F0(s.RssAfterMb)}"))}), services {ScenarioReport.F0(services.Sum(s => s.RssAfterMb))} MB together ({string.Join(", ", services.Select(s => $"{s.Name[8..]} {ScenarioReport.F0(s.RssAfterMb)}"))}).");
        report.Note($"The load generator, the seven services, their seven sidecars, Redis, RabbitMQ and PostgreSQL share the machine's {Environment.ProcessorCount} cores. CPU ms/op in the process table is per order placed (warmup included); the CPU table adds the servers, the load generator and the whole machine.");
        report.Note($"Targets (issue 10): >= {TargetOrdersPerSecond} orders/s sustained end to end; at {rate} orders/s p99 placement < {TargetPlacementP99Ms} ms and p99 saga completion < {TargetCompletionP99Ms / 1000:0} s; sidecar and service memory at that load reported.");
        return [report];
    }

    private static async Task<string> PlaceAsync(HttpClient gateway, AuthenticationHeaderValue token, int sequence, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = new ByteArrayContent(Bodies[sequence % Products]) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Authorization = token;
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await gateway.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode != 202)
        {
            await LoadClient.DrainAsync(response, 202, cancellationToken);
        }

        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return accepted.GetProperty("orderId").GetString()!;
    }

    /// <summary>The seed's few hundred units would run out within seconds; the benchmark measures orders, not out-of-stock cancellations.</summary>
    private static async Task RestockAsync(string catalogConnectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(catalogConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""UPDATE products SET "AvailableStock" = 100000000""", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <param name="Customer">Whose token placed it: only that customer may read it.</param>
    private sealed record PlacedOrder(string OrderId, DateTime PlacedAt, int Customer);

    private sealed record Completions(LatencyHistogram Completion, IReadOnlyList<(string Stage, LatencyHistogram Histogram)> Stages, long Errors, string? FirstError);

    /// <summary>Reads every order's view once it has settled (a few at a time) and measures from its POST to the saga's end.</summary>
    private static async Task<Completions> ReadCompletionsAsync(
        HttpClient gateway, AuthenticationHeaderValue[] tokens, IReadOnlyList<PlacedOrder> placed, CancellationToken cancellationToken)
    {
        var timelines = new OrderTimeline?[placed.Count];
        var giveUp = DateTime.UtcNow + ReadTimeout;
        await Parallel.ForAsync(0, placed.Count, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var settleBy = DateTime.UtcNow + SettleTimeout;
            var deadline = settleBy < giveUp ? settleBy : giveUp;
            OrderTimeline? timeline = null;
            do
            {
                if (timeline is not null)
                {
                    await Task.Delay(100, ct);
                }

                timeline = await ReadTimelineAsync(gateway, tokens[placed[i].Customer], placed[i].OrderId, ct);
            }
            while (timeline is { IsSettled: false } && DateTime.UtcNow < deadline);

            timelines[i] = timeline;
        });

        var completion = new LatencyHistogram();
        var stages = new Dictionary<string, LatencyHistogram>(StringComparer.Ordinal);
        var order = new List<string>();
        long errors = 0;
        string? firstError = null;
        for (var i = 0; i < placed.Count; i++)
        {
            if (timelines[i] is not { Status: "Confirmed", IsSettled: true } timeline)
            {
                errors++;
                firstError ??= timelines[i] is { } other
                    ? $"order {other.OrderId} is {other.Status}, saga {other.SagaStatus ?? "unreadable"}"
                    : $"order {placed[i].OrderId} could not be read";
                continue;
            }

            foreach (var (stage, duration) in timeline.Stages(placed[i].PlacedAt))
            {
                var histogram = stage == "completion" ? completion : stages.GetValueOrDefault(stage);
                if (histogram is null)
                {
                    stages[stage] = histogram = new LatencyHistogram();
                    order.Add(stage);
                }

                histogram.Record((long)Math.Max(0, duration.TotalMicroseconds));
            }
        }

        return new Completions(completion, [.. order.Select(stage => (stage, stages[stage]))], errors, firstError);
    }

    private static async Task<OrderTimeline?> ReadTimelineAsync(HttpClient gateway, AuthenticationHeaderValue token, string orderId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{orderId}");
        request.Headers.Authorization = token;
        using var response = await gateway.SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode
            ? OrderTimeline.Parse(await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken))
            : null;
    }

    private static string Describe(IReadOnlyDictionary<string, string> finals) =>
        string.Join(", ", finals.Values.GroupBy(s => s, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));

    private static IReadOnlyList<CpuGroup> CpuGroups(BenchmarkEnvironment environment, PlatformRun platform, IReadOnlyList<PlatformProcess> processes)
    {
        var servers = environment.Infrastructure;
        var platformPids = processes.Select(p => p.Pid).ToHashSet();
        return
        [
            new("7 sidecars", () => [.. processes.Where(p => p.IsSidecar).Select(p => p.Pid)]),
            new("7 services", () => [.. processes.Where(p => !p.IsSidecar).Select(p => p.Pid)]),
            new("PostgreSQL (all backends)", () => ServerProcesses.Postgres(servers)),
            new("Redis", () => ServerProcesses.Redis(servers)),
            new("RabbitMQ", () => ServerProcesses.RabbitMq(servers)),
            new("load generator (this process)", () => [Environment.ProcessId]),
            new("dapr-dev up (CLI, log copying)", () => [platform.Pid, .. PlatformProcesses.Descendants(platform.Pid).Where(pid => !platformPids.Contains(pid))]),
        ];
    }

    private static TextTable CpuTable(IReadOnlyList<(string Phase, IReadOnlyList<CpuShare> Shares, long Operations)> phases)
    {
        var table = new TextTable("Where the CPU went [phase]", "cores", "CPU ms per order");
        foreach (var (phase, shares, operations) in phases)
        {
            foreach (var share in shares)
            {
                table.Add(
                    $"{share.Name} [{phase}]",
                    ScenarioReport.F2(share.Cores),
                    operations > 0 ? (share.CpuSeconds * 1000 / operations).ToString("0.00", CultureInfo.InvariantCulture) : "-");
            }
        }

        return table;
    }
}
