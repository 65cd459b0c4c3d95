using System.Runtime.InteropServices;

namespace DaprPlatform.Cli.Supervision;

/// <summary>
/// Ctrl+C (SIGINT), SIGTERM and SIGHUP as a shutdown request: the default (immediate exit) is cancelled so the CLI
/// can stop its apps and sidecars in order. A second signal asks for a forced stop.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly TaskCompletionSource<PosixSignal> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _forced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle),
        ];
    }

    /// <summary>Completes with the first signal received.</summary>
    public Task<PosixSignal> Requested => _requested.Task;

    /// <summary>Completes when a second signal arrives while the CLI is still stopping things.</summary>
    public Task Forced => _forced.Task;

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (!_requested.TrySetResult(context.Signal))
        {
            _forced.TrySetResult();
            return;
        }

        // Token callbacks run inline; keep them off the signal-handling thread.
        ThreadPool.QueueUserWorkItem(static cts => cts.Cancel(), _cancellation, preferLocal: false);
    }
}
