using DaprPlatform.Ordering.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Ordering.Saga;

/// <summary>
/// Starts the saga of every accepted order whose saga was never recorded as scheduled — the process died between
/// the order's commit and the schedule, or the sidecar was down. It checks the workflow first, so a saga that was
/// scheduled but not yet recorded is not started again.
/// </summary>
public sealed partial class SagaRecovery(
    IDbContextFactory<OrderingContext> contexts,
    SagaStarter starter,
    IOptions<OrderSagaOptions> options,
    TimeProvider clock,
    ILogger<SagaRecovery> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RecoveryInterval, clock);
        do
        {
            try
            {
                await RecoverAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRecoveryFailed(e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>One sweep; returns how many sagas it started.</summary>
    internal async Task<int> RecoverAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - options.Value.RecoveryGrace;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var orphans = await db.Orders.AsNoTracking().Include(o => o.Items)
            .Where(o => o.SagaStartedAt == null && o.CreatedAt < before)
            .OrderBy(o => o.CreatedAt).Take(BatchSize)
            .ToListAsync(ct);
        var started = 0;
        foreach (var order in orphans)
        {
            if (await starter.TryStartAsync(order, checkExisting: true, ct))
            {
                started++;
                LogRecovered(order.Id);
            }
        }

        return started;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Information, "Recovery started the saga of order {OrderId}")]
    private partial void LogRecovered(string orderId);

    [LoggerMessage(LogLevel.Error, "A saga recovery sweep failed")]
    private partial void LogRecoveryFailed(Exception exception);
}
