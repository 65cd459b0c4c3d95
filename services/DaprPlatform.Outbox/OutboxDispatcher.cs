using System.Text.Json;
using Dapr.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Outbox;

/// <summary>
/// Publishes committed outbox rows through Dapr, at least once. Each round claims a batch with
/// <c>FOR UPDATE SKIP LOCKED</c>, so several instances of a service share the table without publishing a row twice
/// at the same time; a row is marked published only after the sidecar accepted it, and a failed publish is retried
/// with a doubling delay. The event id travels as the CloudEvent id and in the payload, for consumers to record.
/// </summary>
internal sealed partial class OutboxDispatcher<TContext>(
    IServiceScopeFactory scopes,
    DaprClient dapr,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    private readonly OutboxOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPurge = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var fullBatch = false;
            try
            {
                fullBatch = await DispatchBatchAsync(stoppingToken) == _options.BatchSize;
                if (clock.GetUtcNow() >= nextPurge)
                {
                    await PurgePublishedAsync(stoppingToken);
                    nextPurge = clock.GetUtcNow() + PurgeInterval;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is unreachable or the round failed as a whole: nothing was marked, so nothing is lost.
                LogRoundFailed(e);
            }

            if (!fullBatch)
            {
                try
                {
                    await signal.WaitAsync(_options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One round: claims due rows, publishes them in order, records each outcome; returns how many it claimed.</summary>
    internal async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var batch = await db.Set<OutboxMessage>()
            .FromSqlInterpolated($"""
                SELECT * FROM outbox_messages
                WHERE published_at IS NULL AND next_attempt_at <= {now}
                ORDER BY created_at
                LIMIT {_options.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);

        foreach (var message in batch)
        {
            try
            {
                await PublishAsync(message, cancellationToken);
                message.PublishedAt = clock.GetUtcNow();
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                message.Attempts++;
                message.LastError = Truncate(e.Message, 2000);
                var delay = _options.RetryDelay(message.Attempts);
                message.NextAttemptAt = clock.GetUtcNow() + delay;
                LogPublishFailed(message.Id, message.Topic, message.Attempts, delay, e.Message);
                // The broker or sidecar is most likely down for the rest of the batch too; they stay claimable.
                break;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }

    private async Task PublishAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        using var payload = JsonDocument.Parse(message.Payload);
        var metadata = new Dictionary<string, string> { ["cloudevent.id"] = message.Id.ToString() };
        await dapr.PublishEventAsync(_options.PubSubName, message.Topic, payload.RootElement, metadata, cancellationToken);
    }

    private async Task PurgePublishedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var before = clock.GetUtcNow() - _options.RetainPublished;
        await db.Set<OutboxMessage>().Where(m => m.PublishedAt != null && m.PublishedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(LogLevel.Warning, "Publishing outbox event {EventId} to {Topic} failed (attempt {Attempts}); retrying in {Delay}: {Error}")]
    private partial void LogPublishFailed(Guid eventId, string topic, int attempts, TimeSpan delay, string error);

    [LoggerMessage(LogLevel.Error, "An outbox round failed; its rows stay pending")]
    private partial void LogRoundFailed(Exception exception);
}
