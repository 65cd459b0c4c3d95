using System.Globalization;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>
/// Optional CPU profile of the sidecars during a measured variant (<c>--profile</c>): Linux <c>perf record</c>
/// sampling on the cpu-clock, symbolized through the perf maps the runtime writes when started with
/// DOTNET_PerfMapEnabled (and ReadyToRun off, so framework code is jitted and named too). The report lists the
/// hottest functions per process, to point at concrete hot spots rather than guess.
/// </summary>
public sealed class PerfProfiler : IAsyncDisposable
{
    private const int SampleHz = 499;
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly ManagedProcess _record;
    private readonly string _dataFile;

    private PerfProfiler(ManagedProcess record, string dataFile)
    {
        _record = record;
        _dataFile = dataFile;
    }

    /// <summary>The environment a profiled .NET process needs so perf can name its methods.</summary>
    public static IReadOnlyDictionary<string, string?> ProfiledEnvironment { get; } = new Dictionary<string, string?>
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        ["DOTNET_ReadyToRun"] = "0",
        // With W^X the code runs from a memfd double mapping, which perf does not match against the perf map.
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    public static bool IsAvailable => File.Exists("/usr/bin/perf");

    public static PerfProfiler Start(IEnumerable<int> pids, string dataFile)
    {
        var record = ManagedProcess.Start(
            "perf",
            ["record", "-e", "cpu-clock", "-F", SampleHz.ToString(CultureInfo.InvariantCulture), "-g",
             "-p", string.Join(',', pids.Select(p => p.ToString(CultureInfo.InvariantCulture))), "-o", dataFile]);
        return new PerfProfiler(record, dataFile);
    }

    /// <summary>Stops sampling and returns the hottest functions (self time) of each process.</summary>
    public async Task<string> StopAsync(IReadOnlyList<int> pids, int top)
    {
        await _record.StopAsync(StopTimeout);
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

    public ValueTask DisposeAsync() => _record.DisposeAsync();
}
