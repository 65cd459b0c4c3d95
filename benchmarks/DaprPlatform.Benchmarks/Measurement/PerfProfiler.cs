using System.Globalization;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>
/// Optional CPU profile of the sidecars during a measured variant (<c>--profile</c>): Linux <c>perf record</c>
/// sampling on the cpu-clock, symbolized through the perf maps the runtime writes when started with
/// DOTNET_PerfMapEnabled. The report lists the hottest functions per process, to point at concrete hot spots rather
/// than guess.
/// </summary>
public sealed class PerfProfiler : IAsyncDisposable
{
    private const int SampleHz = 499;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    // Counted per process for the whole window: the costs per operation that do not depend on how busy the machine is.
    private static readonly string[] CountedEvents =
    [
        "task-clock", "sched:sched_switch", "raw_syscalls:sys_enter",
        "syscalls:sys_enter_sendto", "syscalls:sys_enter_recvfrom", "syscalls:sys_enter_sendmsg", "syscalls:sys_enter_recvmsg",
        "syscalls:sys_enter_read", "syscalls:sys_enter_write", "syscalls:sys_enter_epoll_wait", "syscalls:sys_enter_futex",
        "syscalls:sys_enter_sched_yield",
    ];

    private readonly ManagedProcess _record;
    private readonly ManagedProcess _stat;
    private readonly string _dataFile;
    private readonly string _statFile;

    private PerfProfiler(ManagedProcess record, ManagedProcess stat, string dataFile, string statFile)
    {
        _record = record;
        _stat = stat;
        _dataFile = dataFile;
        _statFile = statFile;
    }

    /// <summary>
    /// The environment a profiled JIT-compiled .NET process needs so perf can name its methods. A NativeAOT sidecar
    /// needs none, only its symbols: ./dapr-dev strips them, so profile a build published with
    /// <c>-p:PublishProfile=daprd -p:StripSymbols=false</c> (set DAPRPLATFORM_SIDECAR to it).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> ProfiledEnvironment { get; } = new Dictionary<string, string?>
    {
        // Hot methods are re-jitted at tier 1 within seconds and then appear in the perf map; ReadyToRun stays on,
        // since turning it off would make the JIT itself the hottest thing in the profile.
        ["DOTNET_PerfMapEnabled"] = "1",
        // With W^X the code runs from a memfd double mapping, which perf does not match against the perf map.
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    public static bool IsAvailable => File.Exists("/usr/bin/perf");

    /// <param name="duration">How long to count events (perf stat prints its counts only when it ends by itself).</param>
    public static PerfProfiler Start(IEnumerable<int> pids, string dataFile, TimeSpan duration)
    {
        var pidList = string.Join(',', pids.Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var record = ManagedProcess.Start(
            "perf", ["record", "-e", "cpu-clock", "-F", SampleHz.ToString(CultureInfo.InvariantCulture), "-g", "-p", pidList, "-o", dataFile]);
        var statFile = dataFile + ".stat";
        var stat = ManagedProcess.Start(
            "perf", ["stat", "-x", ",", "--per-thread", "-e", string.Join(',', CountedEvents), "-p", pidList, "-o", statFile,
             "--", "sleep", duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)]);
        return new PerfProfiler(record, stat, dataFile, statFile);
    }

    /// <summary>Syscalls, context switches and CPU milliseconds per operation, summed over the profiled processes.</summary>
    public string CountsPerOperation(long operations)
    {
        if (!File.Exists(_statFile) || operations <= 0)
        {
            return "no perf stat counts";
        }

        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(_statFile))
        {
            // --per-thread -x, lines: thread,value,unit,event,...
            var fields = line.Split(',');
            // The JIT's background thread is not the request path.
            if (fields[0].StartsWith(".NET Tiered Com", StringComparison.Ordinal))
            {
                continue;
            }

            if (fields.Length >= 4 && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                totals[fields[3]] = totals.GetValueOrDefault(fields[3]) + value;
            }
        }

        return string.Join(", ", CountedEvents.Select(e => e switch
        {
            "task-clock" => $"{totals.GetValueOrDefault(e) / operations:0.000} CPU ms",
            "sched:sched_switch" => $"{totals.GetValueOrDefault(e) / operations:0.0} context switches",
            "raw_syscalls:sys_enter" => $"{totals.GetValueOrDefault(e) / operations:0.0} syscalls",
            _ => $"{totals.GetValueOrDefault(e) / operations:0.0} {e["syscalls:sys_enter_".Length..]}",
        })) + " per operation";
    }

    /// <summary>Stops sampling and returns the hottest functions (self time) of each process.</summary>
    public async Task<string> StopAsync(IReadOnlyList<int> pids, int top)
    {
        await _record.StopAsync(StopTimeout);
        await _stat.WaitForExitAsync(StopTimeout);
        var text = new System.Text.StringBuilder();
        foreach (var pid in pids)
        {
            await using var report = ManagedProcess.Start(
                "perf",
                ["report", "-i", _dataFile, "--stdio", "--no-children", "--sort", "dso,sym", "-g", "none",
                 "--pid", pid.ToString(CultureInfo.InvariantCulture), "--percent-limit", "0.3"],
                outputLines: top * 8 + 50);
            await report.WaitForExitAsync(StopTimeout);
            text.AppendLine($"    pid {pid}:");
            foreach (var line in report.Output.Split('\n').Where(l => l.Contains('%', StringComparison.Ordinal) && !l.TrimStart().StartsWith('#')).Take(top))
            {
                text.AppendLine("    " + line.Trim());
            }
        }

        text.AppendLine($"    (perf data kept in {_dataFile})");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _record.DisposeAsync();
        await _stat.DisposeAsync();
    }
}
