using System.Diagnostics;

namespace DaprPlatform.Cli.Processes;

/// <summary>How a child ended when it was asked to stop.</summary>
internal enum StopOutcome
{
    /// <summary>It had already exited on its own.</summary>
    AlreadyExited,

    /// <summary>It exited after SIGTERM.</summary>
    Stopped,

    /// <summary>It ignored SIGTERM for the whole grace period and was killed.</summary>
    Killed,
}

/// <summary>
/// A process the CLI started (daprd or an app), in a process group of its own like the Dapr CLI's children
/// (<c>Setpgid</c>): a Ctrl+C in the terminal reaches only the CLI, which then stops the app before its sidecar, and
/// stopping the group also stops whatever the app started (<c>dotnet run</c> → the app, a shell → its jobs).
/// Output is delivered line by line as it arrives.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);
    private static readonly string? Setsid = FindSetsid();

    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopping;

    private ChildProcess(Process process, bool ownGroup)
    {
        _process = process;
        OwnGroup = ownGroup;
        Id = process.Id;
    }

    public int Id { get; }

    /// <summary>True when the process leads its own process group (setsid was available).</summary>
    public bool OwnGroup { get; }

    /// <summary>Completes with the exit code (128 + signal number when a signal ended it) once the process exited.</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>True once <see cref="StopAsync"/> was called: an exit after that is the one the CLI asked for.</summary>
    public bool StopRequested => Volatile.Read(ref _stopping) == 1;

    /// <exception cref="System.ComponentModel.Win32Exception">The executable could not be started.</exception>
    public static ChildProcess Start(
        string executable,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        Action<string> onOutput,
        Action<string> onError)
    {
        var ownGroup = Setsid is not null;
        var startInfo = new ProcessStartInfo(ownGroup ? Setsid! : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (ownGroup)
        {
            // A child of the CLI is never a process group leader, so setsid(1) does not fork: it becomes the
            // leader of a new session and group and execs the command under the same pid.
            startInfo.ArgumentList.Add(executable);
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onOutput(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onError(e.Data); };
        process.Start();
        var child = new ChildProcess(process, ownGroup);
        process.Exited += (_, _) => child._exited.TrySetResult(process.ExitCode);
        // The exit may have been raised before the handler was attached.
        if (process.HasExited)
        {
            child._exited.TrySetResult(process.ExitCode);
        }

        // Apps get no input, as under `dapr run -f`; waiting for a read that never comes would hang them.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits (briefly) until the output pipes are closed, so the last lines are printed before the exit is reported.</summary>
    public async Task DrainOutputAsync()
    {
        using var timeout = new CancellationTokenSource(OutputDrainTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A grandchild still holds the pipe; its lines keep arriving until it is stopped.
        }
    }

    /// <summary>SIGTERM to the process group, SIGKILL once <paramref name="gracePeriod"/> has passed.</summary>
    public async Task<StopOutcome> StopAsync(TimeSpan gracePeriod)
    {
        Interlocked.Exchange(ref _stopping, 1);
        var alreadyExited = HasExited;
        if (!Signal(Signals.SigTerm) && alreadyExited)
        {
            return StopOutcome.AlreadyExited;
        }

        if (await WaitUntilGoneAsync(gracePeriod))
        {
            return alreadyExited ? StopOutcome.AlreadyExited : StopOutcome.Stopped;
        }

        if (OwnGroup)
        {
            Signals.SendToGroup(Id, Signals.SigKill);
        }
        else
        {
            KillTree();
        }

        await WaitUntilGoneAsync(KillTimeout);
        return StopOutcome.Killed;
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited || (OwnGroup && Signals.IsGroupAlive(Id)))
        {
            await StopAsync(TimeSpan.Zero);
        }

        _process.Dispose();
    }

    private bool Signal(int signal) =>
        OwnGroup ? Signals.SendToGroup(Id, signal) : !HasExited && Signals.SendToProcess(Id, signal);

    private async Task<bool> WaitUntilGoneAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (HasExited && (!OwnGroup || !Signals.IsGroupAlive(Id)))
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval);
        }
    }

    private void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }
    }

    private static string? FindSetsid()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        return new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
    }
}
