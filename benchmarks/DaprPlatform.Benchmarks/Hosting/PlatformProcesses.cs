using System.Globalization;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>A sidecar or a service of a running platform, found among the processes `dapr-dev up` started.</summary>
/// <param name="Name">"sidecar ordering" or "service Ordering".</param>
/// <param name="MetricsPort">A sidecar's metrics port (where its GC counters are read); null for a service.</param>
public sealed record PlatformProcess(string Name, int Pid, bool IsSidecar, int? MetricsPort);

/// <summary>
/// The platform's processes, read from /proc: every descendant of the `dapr-dev up` process that runs daprd
/// (named by its --app-id) or a service's dll under services/ (run.sh execs `dotnet X.dll`, so the service is that
/// process itself).
/// </summary>
public static class PlatformProcesses
{
    public static IReadOnlyList<PlatformProcess> Find(int rootPid) =>
        [.. Descendants(rootPid)
            .Select(pid => Classify(pid, ReadCommandLine(pid)))
            .OfType<PlatformProcess>()
            .OrderBy(p => p.IsSidecar ? 1 : 0)
            .ThenBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>What a process is, from its arguments; null when it is neither a sidecar nor a service.</summary>
    public static PlatformProcess? Classify(int pid, IReadOnlyList<string> arguments)
    {
        if (SidecarProcess.IsSidecarCommandLine(arguments) && Flag(arguments, "--app-id") is { } appId)
        {
            var metrics = int.TryParse(Flag(arguments, "--metrics-port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : (int?)null;
            return new PlatformProcess($"sidecar {appId}", pid, IsSidecar: true, metrics);
        }

        var dll = arguments.FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal));
        var separator = Path.DirectorySeparatorChar;
        return dll is not null && dll.Contains($"{separator}services{separator}", StringComparison.Ordinal)
            ? new PlatformProcess($"service {Path.GetFileNameWithoutExtension(dll)}", pid, IsSidecar: false, MetricsPort: null)
            : null;
    }

    /// <summary>Every process below <paramref name="rootPid"/> (children, their children, ...), from each process's PPid.</summary>
    public static IReadOnlyList<int> Descendants(int rootPid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var pid in AllPids())
        {
            if (ParentOf(pid) is { } parent)
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(pid);
            }
        }

        var found = new List<int>();
        var pending = new Stack<int>([rootPid]);
        while (pending.Count > 0)
        {
            foreach (var child in children.GetValueOrDefault(pending.Pop()) ?? [])
            {
                found.Add(child);
                pending.Push(child);
            }
        }

        return found;
    }

    public static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    public static IReadOnlyList<string> ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // Field 4 of stat, after the command name in parentheses (which may hold spaces).
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string? Flag(IReadOnlyList<string> arguments, string flag)
    {
        for (var i = 0; i < arguments.Count - 1; i++)
        {
            if (arguments[i] == flag)
            {
                return arguments[i + 1];
            }
        }

        return null;
    }
}
