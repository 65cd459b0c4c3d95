using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace DaprPlatform.Testing;

/// <summary>
/// A running process as Linux's /proc shows it: its argv, environment and working directory — everything needed to
/// start an identical one later (<see cref="RelaunchedProcess"/>) — and its place in the process tree. Fault tests
/// use it to find a server or service among the processes a test started, and to kill it the hard way.
/// </summary>
public sealed partial record ProcessSnapshot(
    int Pid,
    int ParentPid,
    int ProcessGroup,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory)
{
    private const int SigKill = 9;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The arguments joined with spaces, for messages and loose matching.</summary>
    public string CommandLine => string.Join(' ', Arguments);

    /// <summary>The process as it is now; null when it is gone, a zombie, or not readable.</summary>
    public static ProcessSnapshot? Of(int pid)
    {
        try
        {
            if (ReadStat(pid) is not { } stat || stat.State is 'Z' or 'X')
            {
                return null;
            }

            var arguments = SplitNul(File.ReadAllBytes($"/proc/{pid}/cmdline"));
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in SplitNul(File.ReadAllBytes($"/proc/{pid}/environ")))
            {
                var equals = entry.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    environment[entry[..equals]] = entry[(equals + 1)..];
                }
            }

            var cwd = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget ?? "/";
            // Kernel threads have no argv; they are never what a test looks for.
            return arguments.Count == 0 ? null : new ProcessSnapshot(pid, stat.ParentPid, stat.ProcessGroup, arguments, environment, cwd);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Exited while being read, or another user's process.
            return null;
        }
    }

    /// <summary>Every readable live process that matches.</summary>
    public static IReadOnlyList<ProcessSnapshot> FindAll(Func<ProcessSnapshot, bool> match)
    {
        var found = new List<ProcessSnapshot>();
        foreach (var pid in Pids())
        {
            if (Of(pid) is { } process && match(process))
            {
                found.Add(process);
            }
        }

        return found;
    }

    /// <summary>The one live process that matches; throws naming <paramref name="description"/> when there is none or several.</summary>
    public static ProcessSnapshot Single(Func<ProcessSnapshot, bool> match, string description)
    {
        var found = FindAll(match);
        return found.Count switch
        {
            1 => found[0],
            0 => throw new InvalidOperationException($"No running process is {description}."),
            _ => throw new InvalidOperationException(
                $"{found.Count} running processes are {description}: {string.Join("; ", found.Select(p => $"{p.Pid} {p.CommandLine}"))}"),
        };
    }

    /// <summary>True when <paramref name="ancestor"/> is this process's parent, grandparent, and so on.</summary>
    public bool IsDescendantOf(int ancestor)
    {
        var parent = ParentPid;
        // A bounded walk: a pid reused while walking cannot loop forever.
        for (var depth = 0; parent > 1 && depth < 64; depth++)
        {
            if (parent == ancestor)
            {
                return true;
            }

            parent = ReadStat(parent)?.ParentPid ?? 0;
        }

        return false;
    }

    /// <summary>The value of --<paramref name="flag"/> (as "--flag value" or "--flag=value"), or null.</summary>
    public string? Flag(string flag)
    {
        for (var i = 0; i < Arguments.Count; i++)
        {
            if (Arguments[i] == flag && i + 1 < Arguments.Count)
            {
                return Arguments[i + 1];
            }

            if (Arguments[i].StartsWith(flag + "=", StringComparison.Ordinal))
            {
                return Arguments[i][(flag.Length + 1)..];
            }
        }

        return null;
    }

    public bool IsAlive => IsPidAlive(Pid);

    /// <summary>
    /// SIGKILL to the process — or to its whole process group when <paramref name="wholeGroup"/> (a launcher script
    /// and the server it runs, an app and what it started) — and waits until every one of them is gone.
    /// </summary>
    public async Task KillAsync(bool wholeGroup, TimeSpan timeout)
    {
        var target = wholeGroup ? -ProcessGroup : Pid;
        if (Kill(target, SigKill) != 0 && IsAlive)
        {
            throw new InvalidOperationException($"kill -9 {target} failed (errno {Marshal.GetLastPInvokeError()}): {CommandLine}");
        }

        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive || (wholeGroup && IsGroupAlive(ProcessGroup)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Process {Pid} ({CommandLine}) was still running {timeout.TotalSeconds:0.#} s after SIGKILL.");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Alive and not a zombie (a killed child lingers as one until its parent reaps it).</summary>
    public static bool IsPidAlive(int pid) => ReadStat(pid) is { State: not ('Z' or 'X') };

    /// <summary>True while any live process is in the group.</summary>
    public static bool IsGroupAlive(int processGroup) =>
        Pids().Any(pid => ReadStat(pid) is { State: not ('Z' or 'X') } stat && stat.ProcessGroup == processGroup);

    private static IEnumerable<int> Pids()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so fields count from the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return new Stat(
            fields[0][0],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture));
    }

    /// <summary>NUL-terminated strings; empty ones are kept (an argv may hold an empty argument).</summary>
    private static List<string> SplitNul(byte[] bytes)
    {
        var items = Encoding.UTF8.GetString(bytes).Split('\0').ToList();
        if (items is [.., ""])
        {
            items.RemoveAt(items.Count - 1);
        }

        return items;
    }

    private readonly record struct Stat(char State, int ParentPid, int ProcessGroup);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
