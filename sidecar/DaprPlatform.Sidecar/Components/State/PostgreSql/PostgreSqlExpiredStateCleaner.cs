using Npgsql;

namespace DaprPlatform.Sidecar.Components.State.PostgreSql;

/// <summary>
/// Deletes expired rows every <c>cleanupInterval</c>, as daprd's garbage collector does: a row
/// <paramref name="lastCleanupKey"/> in the metadata table records the last run, and is only advanced when the
/// previous run is older than the interval, so that many sidecars sharing a table clean it once per interval.
/// Reads never depend on it: expired rows are filtered out by every query.
/// </summary>
internal sealed partial class PostgreSqlExpiredStateCleaner : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _claimSql;
    private readonly string _deleteSql;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PostgreSqlExpiredStateCleaner(
        NpgsqlDataSource dataSource, string metadataTable, string lastCleanupKey, string deleteExpiredSql, TimeSpan interval, ILogger logger)
    {
        _dataSource = dataSource;
        _deleteSql = deleteExpiredSql;
        _interval = interval;
        _logger = logger;
        _claimSql = $"""
            INSERT INTO {metadataTable} (key, value) VALUES ('{lastCleanupKey}', now()::text)
            ON CONFLICT (key) DO UPDATE SET value = now()::text
            WHERE (EXTRACT('epoch' FROM now() - {metadataTable}.value::timestamp with time zone) * 1000)::bigint > $1
            """;
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>Runs one cleanup now (if no sidecar ran one within the interval); returns the rows deleted.</summary>
    public async Task<long> CleanupExpiredAsync(CancellationToken cancellationToken)
    {
        await using var claim = _dataSource.CreateCommand(_claimSql);
        // Slightly less than the interval, so a timer that fires a little early still runs.
        claim.Parameters.Add(new NpgsqlParameter { Value = (long)_interval.TotalMilliseconds - 100 });
        if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return 0;
        }

        await using var delete = _dataSource.CreateCommand(_deleteSql);
        return await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var deleted = await CleanupExpiredAsync(cancellationToken);
                    LogCleaned(_logger, deleted);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogCleanupFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed {Count} expired state rows")]
    private static partial void LogCleaned(ILogger logger, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Error removing expired state rows")]
    private static partial void LogCleanupFailed(ILogger logger, Exception exception);
}
