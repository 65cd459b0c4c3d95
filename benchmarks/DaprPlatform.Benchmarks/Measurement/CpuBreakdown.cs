using System.Globalization;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>A set of processes whose CPU time is added up (a server and its workers, a group of sidecars).</summary>
/// <param name="Pids">Resolved at the start and again at the end, so workers that came or went in between count.</param>
public sealed record CpuGroup(string Name, Func<IReadOnlyList<int>> Pids);

/// <summary>CPU used by one group over the measured time: seconds, and cores on average.</summary>
public sealed record CpuShare(string Name, double CpuSeconds, double Cores);

/// <summary>
/// Where the machine's CPU went over a phase: each group's CPU time from /proc/&lt;pid&gt;/stat, and the whole
/// machine's busy time from /proc/stat, so what no group accounts for (other processes, the kernel's own work) shows
/// as the remainder. A process that exits before the end loses its time (pooled database connections do not).
/// </summary>
public sealed class CpuBreakdown
{
    private const double ClockTicksPerSecond = 100.0;

    private readonly IReadOnlyList<CpuGroup> _groups;
    private readonly Dictionary<int, long>[] _ticksAtStart;
    private readonly long _machineBusyAtStart;
    private readonly DateTime _startedAt = DateTime.UtcNow;

    private CpuBreakdown(IReadOnlyList<CpuGroup> groups)
    {
        _groups = groups;
        _ticksAtStart = groups.Select(g => g.Pids().Distinct().ToDictionary(pid => pid, pid => ProcessTicks(pid) ?? 0)).ToArray();
        _machineBusyAtStart = MachineBusyTicks();
    }

    public static CpuBreakdown Start(IReadOnlyList<CpuGroup> groups) => new(groups);

    /// <returns>Each group, then "machine (all processes)" and "other (not in a group above)".</returns>
    public IReadOnlyList<CpuShare> Stop()
    {
        var seconds = Math.Max((DateTime.UtcNow - _startedAt).TotalSeconds, 1e-3);
        var shares = new List<CpuShare>();
        for (var i = 0; i < _groups.Count; i++)
        {
            var start = _ticksAtStart[i];
            long ticks = 0;
            foreach (var pid in _groups[i].Pids().Concat(start.Keys).Distinct())
            {
                var now = ProcessTicks(pid);
                var before = start.GetValueOrDefault(pid);
                ticks += now is { } n ? Math.Max(0, n - before) : 0;
            }

            shares.Add(new CpuShare(_groups[i].Name, ticks / ClockTicksPerSecond, ticks / ClockTicksPerSecond / seconds));
        }

        var machine = (MachineBusyTicks() - _machineBusyAtStart) / ClockTicksPerSecond;
        var grouped = shares.Sum(s => s.CpuSeconds);
        shares.Add(new CpuShare("machine (all processes)", machine, machine / seconds));
        shares.Add(new CpuShare("other (outside the groups above)", Math.Max(0, machine - grouped), Math.Max(0, machine - grouped) / seconds));
        return shares;
    }

    /// <summary>utime + stime of one process, in clock ticks; null when it is gone.</summary>
    public static long? ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Busy clock ticks of all cores: /proc/stat's first line less idle and iowait.</summary>
    public static long MachineBusyTicks() => BusyTicks(File.ReadLines("/proc/stat").First());

    /// <summary>From a /proc/stat "cpu" line: user nice system idle iowait irq softirq steal ...</summary>
    public static long BusyTicks(string cpuLine)
    {
        var values = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return values.Sum() - values[3] - values[4];
    }
}
