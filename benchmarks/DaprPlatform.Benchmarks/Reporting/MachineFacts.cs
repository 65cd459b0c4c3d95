using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Reporting;

/// <summary>What the figures were measured on: cores, CPU, memory, OS, runtime, date, commit and load.</summary>
public sealed record MachineFacts(int Cores, string Cpu, string Memory, string Os, string Runtime, DateTimeOffset Date, string Commit)
{
    public static MachineFacts Collect() => new(
        Environment.ProcessorCount,
        ReadCpuModel(),
        ReadTotalMemory(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        DateTimeOffset.UtcNow,
        ReadCommit());

    /// <summary>The 1/5/15-minute load averages (runnable processes; compare with the core count).</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]} / {fields[1]} / {fields[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public string ToMarkdown() =>
        $"""
        | Fact | Value |
        |---|---|
        | Date (UTC) | {Date:yyyy-MM-dd HH:mm} |
        | Commit | {Commit} |
        | Cores | {Cores} ({Cpu}) |
        | Memory | {Memory} |
        | OS | {Os} |
        | Runtime | {Runtime}; sidecars as ./dapr-dev publishes them (NativeAOT) unless a row names another build, workstation GC, gen0 budget 1 MB |

        """;

    public string ToConsole() =>
        $"{Date:yyyy-MM-dd HH:mm} UTC, commit {Commit}, {Cores} cores ({Cpu}), {Memory}, {Os}, {Runtime}";

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    private static string ReadTotalMemory()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kb = long.Parse(line["MemTotal:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
            return $"{kb / 1024.0 / 1024.0:0.#} GB";
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException)
        {
            return "unknown";
        }
    }

    private static string ReadCommit()
    {
        var commit = Git("rev-parse", "--short=12", "HEAD") ?? "unknown";
        // Uncommitted sidecar changes would be measured too; say so.
        var dirty = Git("status", "--porcelain", "--", "sidecar/DaprPlatform.Sidecar") is { Length: > 0 };
        return dirty ? $"{commit} (+ uncommitted sidecar changes)" : commit;
    }

    private static string? Git(params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot.Path };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var git = Process.Start(start)!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
