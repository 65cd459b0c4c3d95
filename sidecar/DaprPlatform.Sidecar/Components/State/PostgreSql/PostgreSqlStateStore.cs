using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DaprPlatform.Sidecar.Components.State.PostgreSql;

/// <summary>
/// state.postgresql v1, on daprd's own schema (components-contrib state/postgresql/v1) so both can share a table:
/// <c>key text PK, value jsonb, isbinary, insertdate, updatedate, expiredate, row_id</c>, migrations tracked in
/// <c>dapr_metadata</c>. The etag is the row's <c>xmin</c>; JSON values are stored as jsonb and binary values as a
/// base64 JSON string with <c>isbinary</c>; expired rows are invisible and deleted every <c>cleanupInterval</c>.
/// </summary>
public sealed class PostgreSqlStateStore : PostgreSqlStateStoreBase
{
    private const string Live = "(expiredate IS NULL OR expiredate >= CURRENT_TIMESTAMP)";

    private readonly string _table;

    private PostgreSqlStateStore(NpgsqlDataSource dataSource, PostgreSqlExpiredStateCleaner? cleaner, string table)
        : base(dataSource, cleaner, new Queries(
            Get: $"SELECT value, isbinary, xmin, expiredate FROM {table} WHERE key = $1 AND {Live}",
            BulkGet: $"SELECT key, value, isbinary, xmin, expiredate FROM {table} WHERE key = ANY($1) AND {Live}",
            Delete: $"DELETE FROM {table} WHERE key = $1",
            DeleteWithETag: $"DELETE FROM {table} WHERE key = $1 AND xmin = $2",
            KeysLike: $"SELECT key, row_id FROM {table} WHERE key LIKE $1 ESCAPE '\\' AND {Live} AND ($2::bigint IS NULL OR row_id > $2) ORDER BY row_id LIMIT $3"))
    {
        _table = table;
    }

    public static async Task<IAsyncDisposable> CreateAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        var settings = PostgreSqlStateSettings.Parse(context.Metadata);
        var table = PostgreSqlStateSettings.TableName(context.Metadata, "tableName", "state");
        var (dataSource, cleaner) = await OpenAsync(
            context,
            settings,
            "migrations",
            [
                (c, ct) => PostgreSqlMigrations.ExecuteDdlAsync(c, $"""
                    CREATE TABLE IF NOT EXISTS {table} (
                      key text NOT NULL PRIMARY KEY,
                      value jsonb NOT NULL,
                      isbinary boolean NOT NULL,
                      insertdate TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
                      updatedate TIMESTAMP WITH TIME ZONE NULL)
                    """, ct),
                (c, ct) => PostgreSqlMigrations.ExecuteDdlAsync(c, $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS expiredate TIMESTAMP WITH TIME ZONE", ct),
                (c, ct) => PostgreSqlMigrations.AddRowIdAsync(c, table, "insertdate", ct),
            ],
            "last-cleanup",
            $"DELETE FROM {table} WHERE expiredate IS NOT NULL AND expiredate < now()",
            cancellationToken);
        return new PostgreSqlStateStore(dataSource, cleaner, table);
    }

    private protected override async Task<string?> SetAsync(StateSetRequest request, NpgsqlConnection? connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var etag = ParseXmin(request.ETag);
        var isBinary = !IsJson(request.ContentType);
        var ttl = PositiveTtl(request);

        await using var command = CreateCommand(SetSql(etag is not null, request.Concurrency == StateConcurrency.FirstWrite, ttl is not null), connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ToJsonb(request.Value.Span, isBinary), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = isBinary });
        if (etag is { } expected)
        {
            command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = expected, NpgsqlDbType = NpgsqlDbType.Xid });
        }

        if (ttl is { } seconds)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = seconds });
        }

        // RETURNING xmin: no row means the etag or first-write check refused the write.
        if (await command.ExecuteScalarAsync(cancellationToken) is uint xmin)
        {
            return xmin.ToString(CultureInfo.InvariantCulture);
        }

        throw etag is not null
            ? new StateETagMismatchException()
            : new InvalidOperationException("no item was updated");
    }

    /// <summary>
    /// daprd's set: with an etag an UPDATE of the live row whose xmin matches (never an insert); without, an upsert,
    /// which under first-write only replaces a row that has expired but was not yet cleaned up.
    /// </summary>
    private string SetSql(bool withETag, bool firstWrite, bool withTtl)
    {
        var expiry = ExpiryExpression(withTtl, withETag ? 5 : 4);
        if (withETag)
        {
            return $"""
                UPDATE {_table} SET value = $2, isbinary = $3, updatedate = CURRENT_TIMESTAMP, expiredate = {expiry}
                WHERE key = $1 AND xmin = $4 AND (expiredate IS NULL OR expiredate > CURRENT_TIMESTAMP)
                RETURNING xmin
                """;
        }

        var onlyExpired = firstWrite ? " WHERE (t.expiredate IS NOT NULL AND t.expiredate < CURRENT_TIMESTAMP)" : "";
        return $"""
            INSERT INTO {_table} AS t (key, value, isbinary, expiredate) VALUES ($1, $2, $3, {expiry})
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, isbinary = excluded.isbinary,
              updatedate = CURRENT_TIMESTAMP, expiredate = {expiry}{onlyExpired}
            RETURNING xmin
            """;
    }

    private protected override NpgsqlParameter? ETagParameter(string? etag) =>
        ParseXmin(etag) is { } xmin ? new NpgsqlParameter<uint> { TypedValue = xmin, NpgsqlDbType = NpgsqlDbType.Xid } : null;

    /// <summary>The etag as an xid: daprd's strconv.ParseUint(etag, 10, 32); anything else is an invalid etag.</summary>
    private static uint? ParseXmin(string? etag)
    {
        if (string.IsNullOrEmpty(etag))
        {
            return null;
        }

        return uint.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var xmin) ? xmin : throw new StateETagInvalidException(etag);
    }

    /// <summary>The value as daprd hands it to the store: JSON it decoded (HTTP, or gRPC with contentType application/json), else bytes.</summary>
    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/json;", StringComparison.OrdinalIgnoreCase));

    private static string ToJsonb(ReadOnlySpan<byte> value, bool isBinary) =>
        isBinary ? "\"" + Convert.ToBase64String(value) + "\"" : Encoding.UTF8.GetString(value);

    /// <summary>Reads value, isbinary, xmin, expiredate starting at column <paramref name="first"/>.</summary>
    private protected override StateEntry ReadEntry(NpgsqlDataReader reader, int first)
    {
        var text = reader.GetFieldValue<string>(first);
        var data = reader.GetBoolean(first + 1) ? DecodeBinary(text) : Encoding.UTF8.GetBytes(text);
        var etag = reader.GetFieldValue<uint>(first + 2).ToString(CultureInfo.InvariantCulture);
        return new StateEntry(data, etag, ExpiryMetadata(reader, first + 3));
    }

    private static byte[] DecodeBinary(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException("failed to unmarshal JSON data: a binary value must be a JSON string");
        }

        return Convert.FromBase64String(reader.GetString()!);
    }
}
