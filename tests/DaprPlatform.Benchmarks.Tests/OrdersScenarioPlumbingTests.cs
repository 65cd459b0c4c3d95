using System.Text.Json;
using DaprPlatform.Benchmarks.Hosting;
using DaprPlatform.Testing;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Scenarios;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class OrdersScenarioPlumbingTests
{
    private const string RunFile = """
        version: 1
        common:
          resourcesPaths: ["./components"]
          appLogDestination: fileAndConsole
        apps:
          - appID: gateway
            appDirPath: ./services/Gateway
            appPort: 8080
          - appID: ordering
            appDirPath: ./services/Ordering
            appPort: 5203
        """;

    [Fact]
    public void The_run_file_copy_gives_every_app_a_free_port_absolute_paths_and_logs_in_files_only()
    {
        var next = 40000;

        var (runFile, ports) = PlatformRunFile.Rewrite(RunFile, "/repo", () => next++, appLogsToFilesOnly: true);

        Assert.Equal(40000, ports["gateway"]);
        Assert.Equal(40001, ports["ordering"]);
        Assert.Contains("appPort: 40000", runFile);
        Assert.Contains("appPort: 40001", runFile);
        Assert.DoesNotContain("8080", runFile);
        Assert.DoesNotContain("5203", runFile);
        Assert.Contains("appDirPath: /repo/services/Gateway", runFile);
        Assert.Contains("resourcesPaths: [\"/repo/components\"]", runFile);
        Assert.Contains("appLogDestination: file\n", runFile.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Each_app_of_the_run_file_gets_a_sidecar_metrics_port_of_its_own_under_its_app_port()
    {
        var next = 41000;

        var (runFile, ports) = PlatformRunFile.WithMetricsPorts(RunFile, () => next++);

        Assert.Equal(new Dictionary<string, int> { ["gateway"] = 41000, ["ordering"] = 41001 }, ports);
        Assert.Contains("    appPort: 8080\n    metricsPort: 41000\n", runFile.ReplaceLineEndings("\n"));
        Assert.Contains("    appPort: 5203\n    metricsPort: 41001", runFile.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Sidecars_and_services_are_told_apart_by_their_command_lines_and_nothing_else_counts()
    {
        var sidecar = PlatformProcesses.Classify(10, ["/usr/bin/dotnet", "/repo/.artifacts/daprd/daprd.dll", "--app-id", "ordering", "--dapr-http-port", "3500", "--metrics-port", "9091"]);
        var service = PlatformProcesses.Classify(11, ["dotnet", "/repo/services/Ordering/bin/Release/net10.0/Ordering.dll"]);

        Assert.Equal(new PlatformProcess("sidecar ordering", 10, IsSidecar: true, MetricsPort: 9091), sidecar);
        Assert.Equal(new PlatformProcess("service Ordering", 11, IsSidecar: false, MetricsPort: null), service);
        Assert.Null(PlatformProcesses.Classify(12, ["bash", "../run.sh", "Ordering"]));
        Assert.Null(PlatformProcesses.Classify(13, ["dotnet", "/repo/.artifacts/bin/DaprPlatform.Cli/release/dapr-dev.dll", "up"]));
        // ./dapr-dev's sidecars are native executables.
        Assert.Equal(
            new PlatformProcess("sidecar catalog", 14, IsSidecar: true, MetricsPort: 9092),
            PlatformProcesses.Classify(14, ["/repo/.artifacts/daprd/daprd", "--app-id", "catalog", "--metrics-port", "9092"]));
    }

    [Fact]
    public void This_process_is_a_descendant_of_its_parent() =>
        Assert.Contains(Environment.ProcessId, PlatformProcesses.Descendants(ParentPid()));

    [Fact]
    public void A_confirmed_order_completes_at_its_last_step_and_its_time_splits_into_steps()
    {
        var view = JsonDocument.Parse("""
            {"orderId":"o1","status":"Confirmed","sagaStatus":"Completed","updatedAt":"2026-12-06T10:00:00.300+00:00","steps":[
              {"name":"reserve-inventory","status":"Succeeded","startedAt":"2026-12-06T10:00:00.050Z","endedAt":"2026-12-06T10:00:00.100Z","detail":"r"},
              {"name":"charge-payment","status":"Succeeded","startedAt":"2026-12-06T10:00:00.100Z","endedAt":"2026-12-06T10:00:00.250Z","detail":"p"},
              {"name":"confirm-order","status":"Succeeded","startedAt":"2026-12-06T10:00:00.250Z","endedAt":"2026-12-06T10:00:00.320","detail":null}]}
            """).RootElement;
        var placedAt = new DateTime(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc);

        var timeline = OrderTimeline.Parse(view);
        var stages = timeline.Stages(placedAt).ToDictionary(s => s.Stage, s => s.Duration.TotalMilliseconds);

        Assert.True(timeline.IsSettled);
        Assert.Equal(placedAt.AddMilliseconds(320), timeline.CompletedAt);
        Assert.Equal(50, stages["POST to first step"], precision: 3);
        Assert.Equal(50, stages["reserve-inventory"], precision: 3);
        Assert.Equal(150, stages["charge-payment"], precision: 3);
        Assert.Equal(70, stages["confirm-order"], precision: 3);
        Assert.Equal(320, stages["completion"], precision: 3);
    }

    [Theory]
    [InlineData("Confirmed", "Running")]
    [InlineData("Pending", "Running")]
    [InlineData("Confirmed", null)]
    public void An_order_whose_saga_has_not_completed_has_no_completion_time(string status, string? sagaStatus)
    {
        var view = JsonSerializer.SerializeToElement(new
        {
            orderId = "o1",
            status,
            sagaStatus,
            steps = new[] { new { name = "reserve-inventory", status = "Succeeded", startedAt = "2026-12-06T10:00:00Z", endedAt = "2026-12-06T10:00:01Z" } },
        });

        var timeline = OrderTimeline.Parse(view);

        Assert.False(timeline.IsSettled);
        Assert.Null(timeline.CompletedAt);
        Assert.Empty(timeline.Stages(DateTime.UtcNow));
    }

    [Fact]
    public void Machine_busy_time_leaves_out_idle_and_iowait() =>
        // user nice system idle iowait irq softirq steal
        Assert.Equal(10 + 1 + 5 + 2 + 3 + 4, CpuBreakdown.BusyTicks("cpu  10 1 5 1000 50 2 3 4 0 0"));

    [Fact]
    public void The_cpu_of_this_process_is_counted_and_the_machine_is_at_least_as_busy()
    {
        var breakdown = CpuBreakdown.Start([new CpuGroup("self", () => [Environment.ProcessId])]);
        var deadline = DateTime.UtcNow.AddMilliseconds(300);
        var spins = 0L;
        while (DateTime.UtcNow < deadline)
        {
            spins++;
        }

        var shares = breakdown.Stop();

        Assert.True(spins > 0);
        Assert.Equal(["self", "machine (all processes)", "other (outside the groups above)"], shares.Select(s => s.Name));
        Assert.True(shares[0].CpuSeconds > 0.1, $"{shares[0].CpuSeconds} CPU seconds");
        Assert.True(shares[1].CpuSeconds >= shares[0].CpuSeconds - 0.05, $"machine {shares[1].CpuSeconds} s, self {shares[0].CpuSeconds} s");
    }

    [Fact]
    public void The_platform_runs_with_approvals_off_and_the_rate_limits_out_of_the_way()
    {
        Assert.True(decimal.Parse(OrdersScenario.PlatformSettings["Ordering__ApprovalThreshold"], System.Globalization.CultureInfo.InvariantCulture) > 449m * 1000);
        Assert.Equal("1000000", OrdersScenario.PlatformSettings["Gateway__RateLimit__PermitsPerWindow"]);
        Assert.Equal("1000000", OrdersScenario.PlatformSettings["Gateway__RateLimit__CredentialPermitsPerWindow"]);
    }

    private static int ParentPid()
    {
        var stat = File.ReadAllText($"/proc/{Environment.ProcessId}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
