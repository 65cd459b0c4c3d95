using System.Runtime.InteropServices;

namespace DaprPlatform.Cli.Processes;

/// <summary>kill(2) for single processes and process groups, and liveness checks that do not count zombies.</summary>
internal static partial class Signals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/> to one process; false when it no longer exists.</summary>
    public static bool SendToProcess(int pid, int signal) => pid > 0 && Kill(pid, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to every process of the group; false when the group is empty.</summary>
    public static bool SendToGroup(int pgid, int signal) => pgid > 0 && Kill(-pgid, signal) == 0;

    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            return ProcState(pid) is { } state && state != 'Z' && state != 'X';
        }

        return Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess;
    }

    /// <summary>
    /// True when the process with <paramref name="pid"/> started well after <paramref name="registeredAt"/>: the
    /// pid was reused, so the registry entry belongs to a sidecar that died without removing it (killed, say).
    /// </summary>
    public static bool StartedAfter(int pid, DateTimeOffset? registeredAt)
    {
        if (registeredAt is not { } at)
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime() > at.UtcDateTime + TimeSpan.FromSeconds(5);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// True while a process of the group is alive. On Linux zombies are skipped: orphans re-parented to a slow
    /// init can linger as zombies for seconds after they died.
    /// </summary>
    public static bool IsGroupAlive(int pgid)
    {
        if (pgid <= 0)
        {
            return false;
        }

        if (!OperatingSystem.IsLinux())
        {
            return Kill(-pgid, 0) == 0;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            var stat = ReadStat(pid);
            if (stat is null)
            {
                continue;
            }

            // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 2 && fields[0] is not ("Z" or "X") && int.TryParse(fields[2], out var group) && group == pgid)
            {
                return true;
            }
        }

        return false;
    }

    private static char? ProcState(int pid)
    {
        var stat = ReadStat(pid);
        var close = stat?.LastIndexOf(')') ?? -1;
        return close > 0 && close + 2 < stat!.Length ? stat[close + 2] : null;
    }

    private static string? ReadStat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
