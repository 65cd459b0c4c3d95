using Npgsql;
using NpgsqlTypes;

namespace DaprPlatform.Sidecar.Components.State.PostgreSql;

/// <summary>
/// state.postgresql v2, on daprd's v2 schema (components-contrib state/postgresql/v2): table
/// <c>&lt;tablePrefix&gt;state (key text PK, value bytea, etag uuid, created_at, updated_at, expires_at, row_id)</c>.
/// Values are stored as the bytes daprd would store (JSON text, or raw bytes); the etag is a random UUID per write,
/// and an etag that is not a UUID is a mismatch, not an invalid etag, as in daprd.
/// </summary>
public sealed class PostgreSqlV2StateStore : PostgreSqlStateStoreBase
{
    private const string Live = "(expires_at IS NULL OR expires_at >= now())";

    private readonly string _table;

    private PostgreSqlV2StateStore(NpgsqlDataSource dataSource, PostgreSqlExpiredStateCleaner? cleaner, string table)
        : base(dataSource, cleaner, new Queries(
            Get: $"SELECT value, etag, expires_at FROM {table} WHERE key = $1 AND {Live}",
            BulkGet: $"SELECT key, value, etag, expires_at FROM {table} WHERE key = ANY($1) AND {Live}",
            Delete: $"DELETE FROM {table} WHERE key = $1",
            DeleteWithETag: $"DELETE FROM {table} WHERE key = $1 AND etag = $2",
            KeysLike: $"SELECT key, row_id FROM {table} WHERE key LIKE $1 ESCAPE '\\' AND {Live} AND ($2::bigint IS NULL OR row_id > $2) ORDER BY row_id LIMIT $3"))
    {
        _table = table;
    }

    public static async Task<IAsyncDisposable> CreateAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        var settings = PostgreSqlStateSettings.Parse(context.Metadata);
        var prefix = context.Metadata.GetString("tablePrefix") ?? "";
        var table = PostgreSqlStateSettings.Identifier(context.Metadata, "tablePrefix", prefix + "state");
        var unqualified = table[(table.LastIndexOf('.') + 1)..];
        var (dataSource, cleaner) = await OpenAsync(
            context,
            settings,
            "migrations-state-v2-" + prefix,
            [
                (c, ct) => PostgreSqlMigrations.ExecuteDdlAsync(c, $"""
                    CREATE TABLE IF NOT EXISTS {table} (
                      key text NOT NULL PRIMARY KEY,
                      value bytea NOT NULL,
                      etag uuid NOT NULL DEFAULT gen_random_uuid(),
                      created_at timestamp with time zone NOT NULL DEFAULT now(),
                      updated_at timestamp with time zone,
                      expires_at timestamp with time zone);
                    CREATE INDEX IF NOT EXISTS {unqualified}_expires_at_idx ON {table} (expires_at);
                    """, ct),
                (c, ct) => PostgreSqlMigrations.AddRowIdAsync(c, table, "created_at", ct),
            ],
            "last-cleanup-state-v2-" + prefix,
            $"DELETE FROM {table} WHERE expires_at IS NOT NULL AND expires_at < now()",
            cancellationToken);
        return new PostgreSqlV2StateStore(dataSource, cleaner, table);
    }

    private protected override async Task<string?> SetAsync(StateSetRequest request, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var etag = ParseUuid(request.ETag);
        var ttl = PositiveTtl(request);
        await using var command = CreateCommand(SetSql(etag is not null, request.Concurrency == StateConcurrency.FirstWrite, ttl is not null), connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Key });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = request.Value.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
        if (etag is { } expected)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = expected });
        }

        if (ttl is { } seconds)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = seconds });
        }

        if (await command.ExecuteScalarAsync(cancellationToken) is Guid newETag)
        {
            return newETag.ToString();
        }

        throw etag is not null
            ? new StateETagMismatchException()
            : new InvalidOperationException("no item was updated");
    }

    private string SetSql(bool withETag, bool firstWrite, bool withTtl)
    {
        var expiry = ExpiryExpression(withTtl, withETag ? 4 : 3);
        if (withETag)
        {
            return $"""
                UPDATE {_table} SET value = $2, updated_at = now(), etag = gen_random_uuid(), expires_at = {expiry}
                WHERE key = $1 AND etag = $3 AND (expires_at IS NULL OR expires_at >= now())
                RETURNING etag
                """;
        }

        var onlyExpired = firstWrite ? " WHERE (t.expires_at IS NOT NULL AND t.expires_at < now())" : "";
        return $"""
            INSERT INTO {_table} AS t (key, value, etag, expires_at) VALUES ($1, $2, gen_random_uuid(), {expiry})
            ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = now(), etag = gen_random_uuid(), expires_at = {expiry}{onlyExpired}
            RETURNING etag
            """;
    }

    private protected override NpgsqlParameter? ETagParameter(string? etag) =>
        ParseUuid(etag) is { } uuid ? new NpgsqlParameter<Guid> { TypedValue = uuid } : null;

    /// <summary>daprd parses the etag with uuid.Parse and treats a malformed one as a plain mismatch.</summary>
    private static Guid? ParseUuid(string? etag)
    {
        if (string.IsNullOrEmpty(etag))
        {
            return null;
        }

        var text = etag.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase) ? etag["urn:uuid:".Length..] : etag;
        return Guid.TryParse(text, out var uuid) ? uuid : throw new StateETagMismatchException($"invalid UUID '{etag}'");
    }

    /// <summary>Reads value, etag, expires_at starting at column <paramref name="first"/>.</summary>
    private protected override StateEntry ReadEntry(NpgsqlDataReader reader, int first) =>
        new(reader.GetFieldValue<byte[]>(first), reader.GetGuid(first + 1).ToString(), ExpiryMetadata(reader, first + 2));
}
