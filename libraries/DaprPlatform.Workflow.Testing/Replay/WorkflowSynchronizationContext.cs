using System.Collections.Concurrent;

namespace DaprPlatform.Workflow.Testing.Replay;

/// <summary>
/// Runs workflow continuations on the executor's own thread, one at a time, only when the executor pumps them.
/// That keeps replay deterministic: after each history event the workflow advances exactly as far as it can,
/// never concurrently and never on a thread-pool thread that could race the next event.
/// </summary>
internal sealed class WorkflowSynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _pending = new();

    public override void Post(SendOrPostCallback d, object? state) => _pending.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Workflow code must not block on synchronous callbacks.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs queued continuations, including those they queue in turn, until the workflow is blocked.</summary>
    public void RunPending()
    {
        while (_pending.TryDequeue(out var work))
        {
            work.Callback(work.State);
        }
    }
}
