using System.Globalization;
using Npgsql;

namespace DaprPlatform.Sidecar.Components.State.PostgreSql;

/// <summary>
/// What both state.postgresql versions share: one pooled <see cref="NpgsqlDataSource"/> per component, daprd's
/// migrations and expired-row cleanup, and transactions run in one database transaction (a single operation runs
/// without one, as in daprd).
/// </summary>
public abstract partial class PostgreSqlStateStoreBase : IStateStore, IKeysLiker
{
    private readonly PostgreSqlExpiredStateCleaner? _cleaner;
    private readonly Queries _queries;

    private protected PostgreSqlStateStoreBase(NpgsqlDataSource dataSource, PostgreSqlExpiredStateCleaner? cleaner, Queries queries)
    {
        DataSource = dataSource;
        _cleaner = cleaner;
        _queries = queries;
    }

    public StateStoreFeatures Features => StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.Ttl | StateStoreFeatures.Actor;

    private protected NpgsqlDataSource DataSource { get; }

    public async Task<StateEntry?> GetAsync(string key, StateReadOptions options, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(_queries.Get);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEntry(reader, 0) : null;
    }

    /// <summary>One query for all keys; daprd answers in row order, here every requested key keeps its place.</summary>
    public async Task<IReadOnlyList<BulkStateEntry>> BulkGetAsync(IReadOnlyList<string> keys, StateReadOptions options, int parallelism, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, BulkStateEntry>(keys.Count, StringComparer.Ordinal);
        if (keys.Count > 0)
        {
            await using var command = DataSource.CreateCommand(_queries.BulkGet);
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Distinct(StringComparer.Ordinal).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = reader.GetString(0);
                try
                {
                    found[key] = new BulkStateEntry(key, ReadEntry(reader, 1), null);
                }
                catch (FormatException e)
                {
                    found[key] = new BulkStateEntry(key, null, e.Message);
                }
            }
        }

        return keys.Select(k => found.GetValueOrDefault(k) ?? new BulkStateEntry(k, null, null)).ToList();
    }

    public Task<string?> SetAsync(StateSetRequest request, CancellationToken cancellationToken) =>
        SetAsync(request, null, null, cancellationToken);

    public Task DeleteAsync(StateDeleteRequest request, CancellationToken cancellationToken) =>
        DeleteAsync(request, null, null, cancellationToken);

    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (operations.Count == 1)
        {
            await ApplyAsync(operations[0], null, null, cancellationToken);
            return;
        }

        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var operation in operations)
        {
            await ApplyAsync(operation, connection, transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// As components-contrib's state.postgresql: live keys in row_id order; the token is the last row_id returned,
    /// set only when one more row was found than the page holds.
    /// </summary>
    public async Task<KeysLikePage> KeysLikeAsync(KeysLikeRequest request, CancellationToken cancellationToken)
    {
        long? after = null;
        if (request.ContinuationToken is { Length: > 0 } token)
        {
            after = long.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rowId)
                ? rowId
                : throw new InvalidContinuationTokenException(token);
        }

        long? pageSize = request.PageSize is > 0 and var size ? size : null;
        await using var command = DataSource.CreateCommand(_queries.KeysLike);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Pattern });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = pageSize is { } limit ? limit + 1 : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var rows = new List<(string Key, long RowId)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        string? next = null;
        if (pageSize is { } page && rows.Count > page)
        {
            rows.RemoveRange((int)page, rows.Count - (int)page);
            next = rows[^1].RowId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new KeysLikePage([.. rows.Select(row => row.Key)], next);
    }

    /// <summary>Runs one expired-row cleanup now, as the timer does every cleanupInterval (for tests and tools).</summary>
    internal Task<long> CleanupExpiredAsync(CancellationToken cancellationToken) =>
        _cleaner?.CleanupExpiredAsync(cancellationToken) ?? Task.FromResult(0L);

    public async ValueTask DisposeAsync()
    {
        if (_cleaner is not null)
        {
            await _cleaner.DisposeAsync();
        }

        await DataSource.DisposeAsync();
    }

    /// <summary>Writes one value; <paramref name="connection"/> is null outside a transaction. Returns the new etag.</summary>
    private protected abstract Task<string?> SetAsync(StateSetRequest request, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken);

    /// <summary>daprd's delete: by key, and with an etag only the row whose etag matches (else a mismatch).</summary>
    private async Task DeleteAsync(StateDeleteRequest request, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var etag = ETagParameter(request.ETag);
        await using var command = CreateCommand(etag is null ? _queries.Delete : _queries.DeleteWithETag, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Key });
        if (etag is not null)
        {
            command.Parameters.Add(etag);
        }

        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1 && etag is not null)
        {
            throw new StateETagMismatchException();
        }
    }

    /// <summary>The etag as a query parameter in the version's type; null without an etag; throws for a malformed one.</summary>
    private protected abstract NpgsqlParameter? ETagParameter(string? etag);

    /// <summary>Reads the version's (value, etag, expiry) columns starting at <paramref name="first"/>.</summary>
    private protected abstract StateEntry ReadEntry(NpgsqlDataReader reader, int first);

    private protected NpgsqlCommand CreateCommand(string sql, NpgsqlConnection? connection, NpgsqlTransaction? transaction) =>
        connection is null ? DataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);

    /// <summary>
    /// Opens the component's data source, checks the server answers, runs daprd's migrations for the version and
    /// starts the cleanup timer; the caller builds the store from the result.
    /// </summary>
    private protected static async Task<(NpgsqlDataSource DataSource, PostgreSqlExpiredStateCleaner? Cleaner)> OpenAsync(
        ComponentContext context,
        PostgreSqlStateSettings settings,
        string migrationKey,
        IReadOnlyList<Func<NpgsqlConnection, CancellationToken, Task>> migrations,
        string lastCleanupKey,
        string deleteExpiredSql,
        CancellationToken cancellationToken)
    {
        var logger = context.CreateLogger("postgresql");
        foreach (var key in settings.IgnoredConnectionKeys)
        {
            LogIgnoredConnectionKey(logger, key);
        }

        // The slim builder links only the type mappings the stores use (text, jsonb, bytea, uuid, xid, timestamps and
        // arrays of text for bulk get) and TLS; the full builder compiled every PostgreSQL type into each sidecar.
        var dataSource = new NpgsqlSlimDataSourceBuilder(settings.ConnectionString)
            .EnableArrays()
            .EnableJsonTypes()
            .EnableTransportSecurity()
            .Build();
        try
        {
            await using (var ping = dataSource.CreateCommand("SELECT 1"))
            {
                await ping.ExecuteScalarAsync(cancellationToken);
            }

            await new PostgreSqlMigrations(dataSource, settings.MetadataTableName, migrationKey).PerformAsync(migrations, cancellationToken);
            var cleaner = settings.CleanupInterval is { } interval
                ? new PostgreSqlExpiredStateCleaner(dataSource, settings.MetadataTableName, lastCleanupKey, deleteExpiredSql, interval, logger)
                : null;
            return (dataSource, cleaner);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }
    }

    /// <summary>The response metadata daprd reports for a row with an expiry: ttlExpireTime in Go's RFC 3339 (UTC).</summary>
    private protected static IReadOnlyDictionary<string, string>? ExpiryMetadata(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : new Dictionary<string, string> { ["ttlExpireTime"] = FormatExpireTime(reader.GetFieldValue<DateTime>(column)) };

    internal static string FormatExpireTime(DateTime expiresAt) =>
        expiresAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>SQL for the expiry column: now + the TTL parameter <paramref name="parameter"/> when there is a TTL &gt; 0, else NULL.</summary>
    private protected static string ExpiryExpression(bool withTtl, int parameter) =>
        withTtl ? $"CURRENT_TIMESTAMP + ${parameter} * interval '1 second'" : "NULL";

    private protected static int? PositiveTtl(StateSetRequest request) => request.TtlSeconds is > 0 ? request.TtlSeconds : null;

    private Task ApplyAsync(StateOperation operation, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        operation.Set is { } set
            ? SetAsync(set, connection, transaction, cancellationToken)
            : DeleteAsync(operation.Delete!, connection, transaction, cancellationToken);

    /// <summary>The SQL that only differs between versions by table and column names.</summary>
    /// <param name="KeysLike">$1 the pattern, $2 the last row_id returned (or null), $3 the row limit (or null).</param>
    private protected sealed record Queries(string Get, string BulkGet, string Delete, string DeleteWithETag, string KeysLike);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection string keyword '{Key}' only applies to daprd's pgx driver and is ignored")]
    private static partial void LogIgnoredConnectionKey(ILogger logger, string key);
}
