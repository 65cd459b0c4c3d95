using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;

namespace DaprPlatform.Testing;

/// <summary>
/// A child process owned by a test: its output is kept (last lines) for failure messages and the whole
/// process tree is killed on dispose, so a failing test leaves nothing running.
/// </summary>
public sealed partial class ManagedProcess : IAsyncDisposable
{
    private const int DefaultOutputLines = 2000;
    private const int DescribedOutputLines = 150;
    private const int SigTerm = 15;

    // A test that forgets to dispose its process must not leave it running after the test host exits.
    private static readonly ConcurrentDictionary<ManagedProcess, byte> Live = new();

    private readonly Process _process;
    private readonly OutputRingBuffer _output;
    private readonly string _description;
    private bool _disposed;

    static ManagedProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var leftover in Live.Keys)
            {
                leftover.KillTreeNow();
            }
        };
    }

    private ManagedProcess(Process process, OutputRingBuffer output, string description)
    {
        _process = process;
        _output = output;
        _description = description;
        Live.TryAdd(this, 0);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The most recent stdout and stderr lines (stderr prefixed with "[stderr] "), oldest first.</summary>
    public string Output => _output.Snapshot();

    /// <param name="environment">Added to the inherited environment; a null value removes the variable.</param>
    public static ManagedProcess Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        int outputLines = DefaultOutputLines)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var output = new OutputRingBuffer(outputLines);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Add("[stderr] " + e.Data); };
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        // The child must not wait for input that never comes.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var description = $"{System.IO.Path.GetFileName(fileName)} {string.Join(' ', startInfo.ArgumentList)} (pid {process.Id})";
        return new ManagedProcess(process, output, description);
    }

    /// <summary>Waits for the process to exit and returns its exit code; throws <see cref="TimeoutException"/> (with the output) otherwise.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            // Also waits until the redirected output has been read to the end.
            await _process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{_description} did not exit within {timeout.TotalSeconds:0.#} s.\n{Describe()}");
        }

        return _process.ExitCode;
    }

    /// <summary>Polls <paramref name="url"/> until it answers <paramref name="expectedStatus"/>; fails at once if the process exits.</summary>
    public Task WaitForHttpAsync(
        string url, HttpStatusCode expectedStatus, TimeSpan timeout, CancellationToken cancellationToken = default, TimeSpan? pollInterval = null) =>
        HttpWait.WaitForHttpAsync(
            url,
            expectedStatus,
            timeout,
            giveUp: () => _process.HasExited ? $"the process exited with code {_process.ExitCode}" : null,
            diagnostics: Describe,
            cancellationToken,
            pollInterval);

    /// <summary>Waits until the process writes a line that matches; returns that line.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var waiter = _output.WaitForLineAsync(match);
        try
        {
            return await waiter.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_description} wrote no matching line within {timeout.TotalSeconds:0.#} s.\n{Describe()}");
        }
        finally
        {
            _output.CancelWaiter(waiter);
        }
    }

    /// <summary>Asks the process to stop with SIGTERM (a graceful shutdown), then kills the tree after <paramref name="gracePeriod"/>.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows() && Kill(_process.Id, SigTerm) == 0)
        {
            using var grace = new CancellationTokenSource(gracePeriod);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                // Did not stop in time: fall through to the kill.
            }
        }

        await KillTreeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await KillTreeAsync();
        Live.TryRemove(this, out _);
        _process.Dispose();
    }

    /// <summary>The command line, exit state and the last 150 output lines, for assertion messages.</summary>
    public string Describe()
    {
        var state = _process.HasExited ? $"exited with code {_process.ExitCode}" : "still running";
        return $"--- {_description}, {state}; recent output:\n{_output.Snapshot(DescribedOutputLines)}\n---";
    }

    private void KillTreeNow()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    private async Task KillTreeAsync()
    {
        KillTreeNow();
        try
        {
            using var reaped = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(reaped.Token);
        }
        catch (OperationCanceledException)
        {
            // A grandchild may hold the output pipe open; the tree was signalled, nothing more to wait for.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
