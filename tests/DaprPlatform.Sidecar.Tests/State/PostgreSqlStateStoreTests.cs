using System.Text;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Components.State.PostgreSql;
using DaprPlatform.Testing;
using Npgsql;
using Xunit;
using static DaprPlatform.Sidecar.Tests.State.StateComponents;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>
/// state.postgresql v1 against a real PostgreSQL (a database of its own), checked against daprd's schema: the
/// state table, dapr_metadata migrations, xmin etags, jsonb/base64 values and expiredate.
/// </summary>
public sealed class PostgreSqlStateStoreTests(InfraFixture infra) : IAsyncLifetime
{
    private string _connectionString = null!;
    private PostgreSqlStateStore _store = null!;
    private RawPostgres _raw = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await infra.CreateDatabaseAsync("state_pg_v1", Ct);
        _store = await CreateStoreAsync(new Dictionary<string, string>());
        _raw = new RawPostgres(_connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _raw.DisposeAsync();
    }

    private string NewKey() => "state-tests||" + infra.UniqueName("k");

    private Task<PostgreSqlStateStore> CreateStoreAsync(Dictionary<string, string> metadata)
    {
        metadata.TryAdd("connectionString", _connectionString);
        return CreateAsync<PostgreSqlStateStore>(PostgreSqlStateStore.CreateAsync, "state.postgresql", metadata);
    }

    [Fact]
    public Task Keys_like_lists_live_keys_in_row_id_order_with_the_last_row_id_as_token() =>
        AssertKeysLikePagesInRowIdOrderAsync(_store, infra.UniqueName("keys-like"));

    [Fact]
    public async Task Init_creates_daprs_schema_and_records_three_migrations()
    {
        var columns = await QueryAsync(
            "SELECT column_name, data_type, is_nullable, is_identity FROM information_schema.columns WHERE table_name = 'state' ORDER BY ordinal_position",
            r => $"{r.GetString(0)} {r.GetString(1)} {r.GetString(2)} {r.GetString(3)}");
        Assert.Equal(
        [
            "key text NO NO",
            "value jsonb NO NO",
            "isbinary boolean NO NO",
            "insertdate timestamp with time zone NO NO",
            "updatedate timestamp with time zone YES NO",
            "expiredate timestamp with time zone YES NO",
            "row_id bigint NO YES",
        ], columns);

        var metadata = await QueryAsync("SELECT key, value FROM dapr_metadata ORDER BY key", r => $"{r.GetString(0)}={r.GetString(1)}");
        Assert.Equal(["lock=lock", "migrations=3"], metadata);

        var indexes = await QueryAsync("SELECT indexname FROM pg_indexes WHERE tablename = 'state' ORDER BY indexname", r => r.GetString(0));
        Assert.Equal(["state_pkey", "state_row_id_uidx"], indexes);
    }

    [Fact]
    public async Task Init_is_idempotent_for_a_second_sidecar_on_the_same_tables()
    {
        await using var second = await CreateStoreAsync(new Dictionary<string, string>());

        var key = NewKey();
        await second.SetAsync(Set(key, "1"), Ct);
        Assert.Equal("1", Text(await _store.GetAsync(key, StateReadOptions.Default, Ct)));
        Assert.Equal(["migrations=3"], await QueryAsync("SELECT key, value FROM dapr_metadata WHERE key = 'migrations'", r => $"{r.GetString(0)}={r.GetString(1)}"));
    }

    [Fact]
    public async Task Json_value_is_stored_as_jsonb_with_xmin_as_etag()
    {
        var key = NewKey();

        var etag = await _store.SetAsync(Set(key, """{"name":"Ada","tags":["x"]}"""), Ct);

        var row = await SingleRowAsync(key);
        Assert.Equal("""{"name": "Ada", "tags": ["x"]}""", row.Value);
        Assert.False(row.IsBinary);
        Assert.Null(row.ExpireDate);
        Assert.Equal(row.Xmin, etag);

        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        // PostgreSQL's jsonb text is what daprd returns too.
        Assert.Equal("""{"name": "Ada", "tags": ["x"]}""", Text(entry));
        Assert.Equal(etag, entry!.ETag);
        Assert.Null(entry.Metadata);
    }

    [Fact]
    public async Task Binary_value_is_stored_as_base64_json_string_with_is_binary()
    {
        var key = NewKey();
        var bytes = new byte[] { 0, 1, 2, 250, 255 };

        await _store.SetAsync(SetBytes(key, bytes), Ct);

        var row = await SingleRowAsync(key);
        Assert.Equal("\"" + Convert.ToBase64String(bytes) + "\"", row.Value);
        Assert.True(row.IsBinary);
        Assert.Equal(bytes, (await _store.GetAsync(key, StateReadOptions.Default, Ct))!.Data.ToArray());
    }

    [Fact]
    public async Task Etag_changes_on_every_write_and_a_matching_one_updates()
    {
        var key = NewKey();
        var first = await _store.SetAsync(Set(key, "1"), Ct);
        var second = await _store.SetAsync(Set(key, "2"), Ct);
        Assert.NotEqual(first, second);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.SetAsync(Set(key, "3", etag: first), Ct));
        var third = await _store.SetAsync(Set(key, "3", etag: second), Ct);

        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        Assert.Equal("3", Text(entry));
        Assert.Equal(third, entry!.ETag);
        Assert.Equal(third, (await SingleRowAsync(key)).Xmin);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("4294967296")]
    public async Task Etag_that_is_not_an_uint32_is_invalid(string etag)
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1"), Ct);

        await Assert.ThrowsAsync<StateETagInvalidException>(() => _store.SetAsync(Set(key, "2", etag: etag), Ct));
        await Assert.ThrowsAsync<StateETagInvalidException>(() => _store.DeleteAsync(Delete(key, etag), Ct));
    }

    [Fact]
    public async Task Etag_on_a_missing_key_is_a_mismatch_because_dapr_only_updates()
    {
        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.SetAsync(Set(NewKey(), "1", etag: "12345"), Ct));
    }

    [Fact]
    public async Task First_write_refuses_a_live_row_but_replaces_an_expired_one()
    {
        var live = NewKey();
        await _store.SetAsync(Set(live, "1"), Ct);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.SetAsync(Set(live, "2", concurrency: StateConcurrency.FirstWrite), Ct));
        Assert.Equal("no item was updated", refused.Message);

        var expired = NewKey();
        await _store.SetAsync(Set(expired, "1"), Ct);
        await ExecuteAsync("UPDATE state SET expiredate = now() - interval '1 minute' WHERE key = $1", expired);
        await _store.SetAsync(Set(expired, "2", concurrency: StateConcurrency.FirstWrite), Ct);
        Assert.Equal("2", Text(await _store.GetAsync(expired, StateReadOptions.Default, Ct)));

        var fresh = NewKey();
        await _store.SetAsync(Set(fresh, "1", concurrency: StateConcurrency.FirstWrite), Ct);
        Assert.Equal("1", Text(await _store.GetAsync(fresh, StateReadOptions.Default, Ct)));
    }

    [Fact]
    public async Task Delete_with_and_without_etag()
    {
        var key = NewKey();
        var etag = await _store.SetAsync(Set(key, "1"), Ct);
        await _store.SetAsync(Set(key, "2"), Ct);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.DeleteAsync(Delete(key, etag), Ct));
        Assert.NotNull(await _store.GetAsync(key, StateReadOptions.Default, Ct));

        var current = (await _store.GetAsync(key, StateReadOptions.Default, Ct))!.ETag;
        await _store.DeleteAsync(Delete(key, current), Ct);
        Assert.Null(await _store.GetAsync(key, StateReadOptions.Default, Ct));

        // Without an etag a missing key is fine; with one it is a mismatch.
        await _store.DeleteAsync(Delete(key), Ct);
        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.DeleteAsync(Delete(key, current), Ct));
    }

    [Fact]
    public async Task Ttl_sets_expire_date_reports_ttl_expire_time_and_hides_the_row_afterwards()
    {
        var key = NewKey();
        var before = DateTime.UtcNow;

        await _store.SetAsync(Set(key, "1", ttl: 1), Ct);

        var row = await SingleRowAsync(key);
        Assert.NotNull(row.ExpireDate);
        Assert.InRange(row.ExpireDate.Value, before.AddSeconds(0.5), before.AddSeconds(3));
        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        Assert.Equal(PostgreSqlStateStore.FormatExpireTime(row.ExpireDate.Value), entry!.Metadata!["ttlExpireTime"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", entry.Metadata["ttlExpireTime"]);

        await Task.Delay(TimeSpan.FromSeconds(1.3), Ct);
        Assert.Null(await _store.GetAsync(key, StateReadOptions.Default, Ct));
        Assert.Equal(1, await CountAsync(key));
    }

    [Fact]
    public async Task Ttl_minus_one_clears_expire_date()
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1", ttl: 100), Ct);

        await _store.SetAsync(Set(key, "2", ttl: -1), Ct);

        Assert.Null((await SingleRowAsync(key)).ExpireDate);
    }

    [Fact]
    public async Task Cleanup_deletes_expired_rows_once_per_interval_across_sidecars()
    {
        var key = NewKey();
        var keep = NewKey();
        await _store.SetAsync(Set(key, "1", ttl: 1), Ct);
        await _store.SetAsync(Set(keep, "1"), Ct);
        await ExecuteAsync("UPDATE state SET expiredate = now() - interval '1 second' WHERE key = $1", key);
        await ExecuteAsync("DELETE FROM dapr_metadata WHERE key = 'last-cleanup'");

        Assert.True(await _store.CleanupExpiredAsync(Ct) >= 1);

        Assert.Equal(0, await CountAsync(key));
        Assert.Equal(1, await CountAsync(keep));
        // The claim row now says a cleanup just ran, so another one within the hour does nothing.
        Assert.Equal(0, await _store.CleanupExpiredAsync(Ct));
    }

    [Fact]
    public async Task Cleanup_runs_by_itself_every_cleanup_interval()
    {
        var table = "state_gc_" + Guid.NewGuid().ToString("N")[..8];
        await using var store = await CreateStoreAsync(new Dictionary<string, string>
        {
            ["tableName"] = table,
            ["metadataTableName"] = table + "_meta",
            ["cleanupInterval"] = "1s",
        });
        var key = NewKey();
        await store.SetAsync(Set(key, "1", ttl: 1), Ct);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await CountAsync(key, table) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired row was not cleaned up within 10 s");
            await Task.Delay(200, Ct);
        }
    }

    [Fact]
    public async Task Transaction_is_all_or_nothing()
    {
        var (a, b) = (NewKey(), NewKey());
        var bETag = await _store.SetAsync(Set(b, "\"b1\""), Ct);
        await _store.SetAsync(Set(b, "\"b2\""), Ct);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.TransactAsync(
        [
            new StateOperation(Set(a, "\"a\""), null),
            new StateOperation(Set(b, "\"b3\"", etag: bETag), null),
        ], new Dictionary<string, string>(), Ct));
        Assert.Equal(0, await CountAsync(a));
        Assert.Equal("\"b2\"", Text(await _store.GetAsync(b, StateReadOptions.Default, Ct)));

        var current = (await _store.GetAsync(b, StateReadOptions.Default, Ct))!.ETag;
        await _store.TransactAsync(
        [
            new StateOperation(Set(a, "\"a\""), null),
            new StateOperation(null, Delete(b, current)),
        ], new Dictionary<string, string>(), Ct);
        Assert.Equal("\"a\"", Text(await _store.GetAsync(a, StateReadOptions.Default, Ct)));
        Assert.Equal(0, await CountAsync(b));
    }

    [Fact]
    public async Task Bulk_get_returns_keys_in_request_order_with_missing_ones_empty()
    {
        var (a, missing, b) = (NewKey(), NewKey(), NewKey());
        var bETag = await _store.SetAsync(Set(b, "\"b\"", ttl: 100), Ct);
        var aETag = await _store.SetAsync(Set(a, "\"a\""), Ct);

        var results = await _store.BulkGetAsync([a, missing, b], StateReadOptions.Default, 0, Ct);

        Assert.Equal([a, missing, b], results.Select(r => r.Key));
        Assert.Equal("\"a\"", Text(results[0].Entry));
        Assert.Equal(aETag, results[0].Entry!.ETag);
        Assert.Null(results[1].Entry);
        Assert.Equal(bETag, results[2].Entry!.ETag);
        Assert.True(results[2].Entry!.Metadata!.ContainsKey("ttlExpireTime"));
    }

    [Fact]
    public async Task Interop_a_row_written_as_daprd_writes_it_is_readable()
    {
        var key = NewKey();
        await ExecuteAsync("INSERT INTO state (key, value, isbinary) VALUES ($1, '{\"from\":\"daprd\"}', false)", key);
        var bytesKey = NewKey();
        await ExecuteAsync($"INSERT INTO state (key, value, isbinary) VALUES ($1, '\"{Convert.ToBase64String("raw"u8)}\"', true)", bytesKey);

        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        Assert.Equal("""{"from": "daprd"}""", Text(entry));
        Assert.Equal((await SingleRowAsync(key)).Xmin, entry!.ETag);
        Assert.Equal("raw", Text(await _store.GetAsync(bytesKey, StateReadOptions.Default, Ct)));
    }

    [Fact]
    public async Task Custom_table_names_and_a_libpq_connection_string_as_dapr_components_write_them()
    {
        var pg = new NpgsqlConnectionStringBuilder(_connectionString);
        var table = "orders_" + Guid.NewGuid().ToString("N")[..8];
        await using var store = await CreateAsync<PostgreSqlStateStore>(PostgreSqlStateStore.CreateAsync, "state.postgresql", new Dictionary<string, string>
        {
            ["connectionString"] = $"host={pg.Host} port={pg.Port} user={pg.Username} password='{pg.Password}' dbname={pg.Database} sslmode=disable pool_max_conns=4",
            ["tableName"] = "public." + table,
            ["metadataTableName"] = table + "_meta",
        });
        var key = NewKey();

        await store.SetAsync(Set(key, "1"), Ct);

        Assert.Equal(1, await CountAsync(key, table));
        Assert.Equal(["migrations=3"], await QueryAsync($"SELECT key, value FROM {table}_meta WHERE key = 'migrations'", r => $"{r.GetString(0)}={r.GetString(1)}"));
    }

    [Fact]
    public async Task Url_connection_string_is_accepted()
    {
        var pg = new NpgsqlConnectionStringBuilder(_connectionString);
        await using var store = await CreateAsync<PostgreSqlStateStore>(PostgreSqlStateStore.CreateAsync, "state.postgresql", new Dictionary<string, string>
        {
            ["connectionString"] = $"postgres://{pg.Username}:{Uri.EscapeDataString(pg.Password!)}@{pg.Host}:{pg.Port}/{pg.Database}?sslmode=disable",
        });
        var key = NewKey();

        await store.SetAsync(Set(key, "\"url\""), Ct);

        Assert.Equal("\"url\"", Text(await _store.GetAsync(key, StateReadOptions.Default, Ct)));
    }

    [Theory]
    [InlineData("tableName", "state; DROP TABLE x", "spec.metadata.tableName")]
    [InlineData("metadataTableName", "a b", "spec.metadata.metadataTableName")]
    [InlineData("timeout", "500ms", "spec.metadata.timeout")]
    [InlineData("connectionString", "host=localhost port=notaport", "spec.metadata.connectionString")]
    [InlineData("useAzureAD", "true", "spec.metadata.useAzureAD")]
    public async Task Init_rejects_bad_metadata_naming_the_field(string field, string value, string reported)
    {
        var error = await Assert.ThrowsAsync<Resources.ResourceException>(() => CreateStoreAsync(new Dictionary<string, string> { [field] = value }));
        Assert.Contains(reported, error.Message);
    }

    private sealed record Row(string Value, bool IsBinary, string Xmin, DateTime? ExpireDate);

    private async Task<Row> SingleRowAsync(string key)
    {
        var rows = await QueryAsync(
            "SELECT value::text, isbinary, xmin::text, expiredate FROM state WHERE key = $1",
            r => new Row(r.GetString(0), r.GetBoolean(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTime>(3)),
            key);
        return Assert.Single(rows);
    }

    private Task<long> CountAsync(string key, string table = "state") => _raw.CountAsync(table, key);

    private Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params object[] parameters) => _raw.QueryAsync(sql, read, parameters);

    private Task ExecuteAsync(string sql, params object[] parameters) => _raw.ExecuteAsync(sql, parameters);
}
