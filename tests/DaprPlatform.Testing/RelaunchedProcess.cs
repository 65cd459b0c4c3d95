using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DaprPlatform.Testing;

/// <summary>
/// A process started again from a <see cref="ProcessSnapshot"/> of one that was killed: the same argv, environment
/// (exactly, nothing inherited from the test) and working directory, in a session of its own, its output appended to
/// a log file. It does not share the test's pipes, so it can outlive the test host; unless told to, it is killed
/// with the test host (a service restarted in place of one its supervisor started would otherwise be left over when
/// the supervisor stops).
/// </summary>
public sealed partial class RelaunchedProcess
{
    private const int SigKill = 9;

    // The shell only redirects and execs: the program runs under the shell's pid, with the environment it was given.
    private const string RedirectAndExec = "exec \"$@\" >> \"$0\" 2>&1 < /dev/null";

    private static readonly ConcurrentDictionary<RelaunchedProcess, byte> KilledWithTestHost = new();

    private readonly Process _process;

    static RelaunchedProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in KilledWithTestHost.Keys)
            {
                process.KillGroup();
            }
        };
    }

    private RelaunchedProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
    }

    public int Pid => _process.Id;

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <param name="outlivesTestHost">
    /// True for a server that belongs to more than this test run's host (e.g. a broker ./test.sh shares between test
    /// projects; its own stop script stops it).
    /// </param>
    public static RelaunchedProcess Start(ProcessSnapshot original, string logPath, bool outlivesTestHost = false)
    {
        // setsid(1) execs without forking (a child of the test host never leads a group), so the pid stays the program's.
        var setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("setsid(1) is needed to relaunch a process in a session of its own.");
        var startInfo = new ProcessStartInfo(setsid)
        {
            UseShellExecute = false,
            WorkingDirectory = original.WorkingDirectory,
        };
        foreach (var argument in (string[])["/bin/sh", "-c", RedirectAndExec, logPath, .. original.Arguments])
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in original.Environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not relaunch {original.CommandLine}.");
        var relaunched = new RelaunchedProcess(process, logPath);
        if (!outlivesTestHost)
        {
            KilledWithTestHost.TryAdd(relaunched, 0);
        }

        return relaunched;
    }

    /// <summary>The last lines of the log, for failure messages.</summary>
    public string LogTail(int lines = 60)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log at {LogPath}: {e.Message})";
        }
    }

    private void KillGroup()
    {
        if (!_process.HasExited)
        {
            Kill(-_process.Id, SigKill);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
