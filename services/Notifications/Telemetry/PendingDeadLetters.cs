using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Model;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.Telemetry;

/// <summary>
/// Counts the pending dead letters for the gauge: every <see cref="RefreshInterval"/>, and soon after this instance
/// recorded or redrove one (<see cref="Changed"/>). Other replicas' changes show within the interval.
/// </summary>
public sealed partial class PendingDeadLetters(IServiceScopeFactory scopes, NotificationsMetrics metrics, ILogger<PendingDeadLetters> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);

    // At most one wake-up waits: any number of changes before the next count are seen by that one count.
    private readonly SemaphoreSlim _changed = new(0, 1);

    public void Changed()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<NotificationsContext>();
                metrics.SetPendingDeadLetters(await db.DeadLetters.LongCountAsync(d => d.Status == DeadLetterStatus.Pending, stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The gauge keeps its last value; the next round tries again.
                LogCountFailed(e);
            }

            try
            {
                await _changed.WaitAsync(RefreshInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Warning, "Pending dead letters could not be counted")]
    private partial void LogCountFailed(Exception exception);
}
