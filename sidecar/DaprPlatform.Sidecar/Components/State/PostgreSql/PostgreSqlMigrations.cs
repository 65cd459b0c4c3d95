using System.Globalization;
using Npgsql;

namespace DaprPlatform.Sidecar.Components.State.PostgreSql;

/// <summary>
/// daprd's schema migrations for its PostgreSQL components (components-contrib common/component/sql/migrations/postgres):
/// a metadata table <c>(key text PRIMARY KEY, value text)</c> whose row <paramref name="migrationKey"/> holds the
/// number of migrations applied, and a row <c>lock</c> held FOR UPDATE while migrating, so that several sidecars,
/// ours or daprd's, can start against the same database at once.
/// </summary>
internal sealed class PostgreSqlMigrations(NpgsqlDataSource dataSource, string metadataTable, string migrationKey)
{
    private const string UniqueViolation = "23505";

    public async Task PerformAsync(IReadOnlyList<Func<NpgsqlConnection, CancellationToken, Task>> migrations, CancellationToken cancellationToken)
    {
        await EnsureMetadataTableAsync(cancellationToken);

        await using (var insertLock = dataSource.CreateCommand($"INSERT INTO {metadataTable} (key, value) VALUES ('lock', 'lock') ON CONFLICT (key) DO NOTHING"))
        {
            await insertLock.ExecuteNonQueryAsync(cancellationToken);
        }

        // The lock is a row lock in a transaction that is rolled back at the end; the migrations themselves run on
        // another connection, as daprd's do.
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var lockTransaction = await lockConnection.BeginTransactionAsync(cancellationToken);
        await using (var takeLock = new NpgsqlCommand($"SELECT value FROM {metadataTable} WHERE key = 'lock' FOR UPDATE", lockConnection, lockTransaction))
        {
            await takeLock.ExecuteScalarAsync(cancellationToken);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var level = await ReadLevelAsync(connection, cancellationToken);
        for (var i = level; i < migrations.Count; i++)
        {
            await migrations[i](connection, cancellationToken);
            await using var update = new NpgsqlCommand(
                $"INSERT INTO {metadataTable} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2", connection);
            update.Parameters.Add(new NpgsqlParameter { Value = migrationKey });
            update.Parameters.Add(new NpgsqlParameter { Value = (i + 1).ToString(CultureInfo.InvariantCulture) });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await lockTransaction.RollbackAsync(cancellationToken);
    }

    /// <summary>Runs DDL, ignoring the unique violation two sidecars get when both create the same table at once.</summary>
    public static async Task ExecuteDdlAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation)
        {
        }
    }

    /// <summary>
    /// daprd's migration that gives <paramref name="table"/> a unique identity column <c>row_id</c> (backfilled in
    /// <paramref name="orderColumn"/>, key order) with index <c>&lt;table&gt;_row_id_uidx</c>.
    /// </summary>
    public static async Task AddRowIdAsync(NpgsqlConnection connection, string table, string orderColumn, CancellationToken cancellationToken)
    {
        string schemaName, tableName, qualified, regName;
        await using (var resolve = new NpgsqlCommand(
            """
            SELECT n.nspname, c.relname, format('%I.%I', n.nspname, c.relname), n.nspname || '.' || c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass($1)
            """, connection))
        {
            resolve.Parameters.Add(new NpgsqlParameter { Value = table });
            await using var reader = await resolve.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"table \"{table}\" not found");
            }

            (schemaName, tableName, qualified, regName) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }

        var hasColumn = await ScalarAsync<bool>(connection,
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = 'row_id' AND NOT attisdropped)", cancellationToken, table);
        if (!hasColumn)
        {
            await ExecuteAsync(connection, $"ALTER TABLE {qualified} ADD COLUMN row_id BIGINT", cancellationToken);
        }

        await ExecuteAsync(connection, $"""
            WITH ranked AS (
              SELECT key, ROW_NUMBER() OVER (ORDER BY {orderColumn} ASC, key ASC) AS rn FROM {qualified} WHERE row_id IS NULL)
            UPDATE {qualified} AS t SET row_id = r.rn FROM ranked r WHERE r.key = t.key
            """, cancellationToken);
        await ExecuteAsync(connection, $"ALTER TABLE {qualified} ALTER COLUMN row_id SET NOT NULL", cancellationToken);

        var isIdentity = await ScalarAsync<bool>(connection,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = 'row_id' AND is_identity = 'YES')",
            cancellationToken, schemaName, tableName);
        if (!isIdentity)
        {
            await ExecuteAsync(connection, $"ALTER TABLE {qualified} ALTER COLUMN row_id ADD GENERATED BY DEFAULT AS IDENTITY", cancellationToken);
        }

        var sequence = await ScalarAsync<object>(connection, "SELECT pg_get_serial_sequence($1, 'row_id')", cancellationToken, regName);
        if (sequence is string sequenceName && sequenceName.Length > 0)
        {
            await ScalarAsync<object>(connection, $"SELECT setval($1::regclass, COALESCE((SELECT MAX(row_id) FROM {qualified}), 0) + 1, false)", cancellationToken, sequenceName);
        }

        var index = "\"" + (tableName + "_row_id_uidx").Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await ExecuteAsync(connection, $"CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {qualified} (row_id)", cancellationToken);
    }

    private async Task EnsureMetadataTableAsync(CancellationToken cancellationToken)
    {
        // Sidecars starting together can race on the table's type row (23505); daprd retries that three times.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = dataSource.CreateCommand(
                    $"CREATE TABLE IF NOT EXISTS {metadataTable} (key text NOT NULL PRIMARY KEY, value text NOT NULL)");
                await command.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation && attempt < 3)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private async Task<int> ReadLevelAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var value = await ScalarAsync<object>(connection, $"SELECT value FROM {metadataTable} WHERE key = $1", cancellationToken, migrationKey);
        if (value is null)
        {
            return 0;
        }

        return int.TryParse((string)value, NumberStyles.None, CultureInfo.InvariantCulture, out var level)
            ? level
            : throw new InvalidOperationException($"invalid migration level found in metadata table: {value}");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is DBNull or null ? default : (T)result;
    }
}
