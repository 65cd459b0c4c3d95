namespace DaprPlatform.Outbox;

/// <summary>
/// Lets a service wake the dispatcher right after it committed outbox rows, instead of leaving them for the next
/// poll. Missing a signal only delays an event by one poll interval; it is never what makes delivery happen.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up reads every committed row.
        }
    }

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}
