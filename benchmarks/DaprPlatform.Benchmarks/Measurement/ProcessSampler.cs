using System.Globalization;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>
/// Samples the resident memory (VmRSS) of some processes every 250 ms while a scenario runs, and their CPU time
/// (utime + stime from /proc/&lt;pid&gt;/stat) at start and stop, to report peak memory and cores used under load.
/// </summary>
public sealed class ProcessSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    // USER_HZ: the unit of utime/stime; 100 on every Linux configuration .NET supports.
    private const double ClockTicksPerSecond = 100.0;

    private readonly IReadOnlyList<SampledProcess> _processes;
    private readonly Task<GcFigures?>[] _gcAtStart;
    private readonly long[] _peakRssKb;
    private readonly long[] _peakThreads;
    private readonly long[] _cpuTicksAtStart;
    private readonly CancellationTokenSource _stop = new();
    private readonly DateTime _startedAt = DateTime.UtcNow;
    private readonly Task _loop;

    public ProcessSampler(IReadOnlyList<SampledProcess> processes)
    {
        _processes = processes;
        _gcAtStart = processes.Select(p => p.MetricsPort is { } port ? GcFigures.ReadAsync(port) : Task.FromResult<GcFigures?>(null)).ToArray();
        _peakRssKb = new long[processes.Count];
        _peakThreads = new long[processes.Count];
        _cpuTicksAtStart = processes.Select(p => ReadCpuTicks(p.Pid) ?? 0).ToArray();
        _loop = Task.Run(SampleLoopAsync);
    }

    public async Task<IReadOnlyList<ProcessUsage>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        var seconds = (DateTime.UtcNow - _startedAt).TotalSeconds;
        var usage = new List<ProcessUsage>();
        for (var i = 0; i < _processes.Count; i++)
        {
            var (name, pid, metricsPort) = _processes[i];
            var gcAtStart = await _gcAtStart[i];
            var gcAtStop = metricsPort is { } port ? await GcFigures.ReadAsync(port) : null;
            var status = ReadStatus(pid);
            var cpuTicks = (ReadCpuTicks(pid) ?? _cpuTicksAtStart[i]) - _cpuTicksAtStart[i];
            var rss = status.GetValueOrDefault("VmRSS");
            var cpuSeconds = cpuTicks / ClockTicksPerSecond;
            usage.Add(new ProcessUsage(
                name,
                pid,
                Math.Max(_peakRssKb[i], rss) / 1024.0,
                rss / 1024.0,
                status.GetValueOrDefault("VmHWM") / 1024.0,
                seconds > 0 ? cpuSeconds / seconds : 0,
                cpuSeconds,
                ReadPssKb(pid) / 1024.0,
                Math.Max(_peakThreads[i], status.GetValueOrDefault("Threads")),
                gcAtStart is not null && gcAtStop is not null ? gcAtStop - gcAtStart : null,
                status.GetValueOrDefault("RssAnon") / 1024.0,
                status.GetValueOrDefault("RssFile") / 1024.0));
        }

        return usage;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _loop;
        _stop.Dispose();
    }

    /// <summary>The numeric fields of /proc/&lt;pid&gt;/status: sizes in kB (VmRSS, VmHWM, ...) and counts (Threads).</summary>
    public static Dictionary<string, long> ReadStatus(int pid)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                var colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    continue;
                }

                var value = line.AsSpan(colon + 1).Trim();
                if (value.EndsWith(" kB", StringComparison.Ordinal))
                {
                    value = value[..^3];
                }

                if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    values[line[..colon]] = number;
                }
            }
        }
        catch (IOException)
        {
            // The process is gone.
        }

        return values;
    }

    /// <summary>
    /// The proportional set size: RSS with each shared page divided among the processes mapping it. The shared
    /// framework's code pages are most of a .NET process's RSS and are shared by every .NET process on the machine.
    /// </summary>
    private static long ReadPssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
            return line is not null && long.TryParse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private async Task SampleLoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                for (var i = 0; i < _processes.Count; i++)
                {
                    var status = ReadStatus(_processes[i].Pid);
                    _peakRssKb[i] = Math.Max(_peakRssKb[i], status.GetValueOrDefault("VmRSS"));
                    _peakThreads[i] = Math.Max(_peakThreads[i], status.GetValueOrDefault("Threads"));
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private static long? ReadCpuTicks(int pid)
    {
        try
        {
            // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain numbers.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state): utime is field 14, stime field 15.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>
/// Memory in MB, average CPU in cores and CPU seconds of one process over a scenario, and for a sidecar its GC work.
/// The RSS after splits into anonymous memory (heaps, stacks: what the process allocated) and file pages (the
/// executable's code and data as far as it was touched).
/// </summary>
public sealed record ProcessUsage(
    string Name, int Pid, double PeakRssMb, double RssAfterMb, double HighWaterMarkMb, double CpuCores, double CpuSeconds, double PssAfterMb, long PeakThreads,
    GcFigures? Gc = null, double RssAnonAfterMb = 0, double RssFileAfterMb = 0);

/// <summary>A process to sample; a sidecar also names its metrics port, where its GC counters are read.</summary>
public sealed record SampledProcess(string Name, int Pid, int? MetricsPort = null)
{
    public static implicit operator SampledProcess((string Name, int Pid) process) => new(process.Name, process.Pid);

    public static SampledProcess Sidecar(string name, SidecarProcess sidecar) => new(name, sidecar.Process.Id, sidecar.MetricsPort);
}
