using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Components.State.PostgreSql;
using DaprPlatform.Testing;
using Xunit;
using static DaprPlatform.Sidecar.Tests.State.StateComponents;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>state.postgresql v2 against a real PostgreSQL: daprd's v2 table (bytea values, UUID etags, expires_at).</summary>
public sealed class PostgreSqlV2StateStoreTests(InfraFixture infra) : IAsyncLifetime
{
    private string _connectionString = null!;
    private PostgreSqlV2StateStore _store = null!;
    private RawPostgres _raw = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await infra.CreateDatabaseAsync("state_pg_v2", Ct);
        _store = await CreateV2Async(new Dictionary<string, string>());
        _raw = new RawPostgres(_connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _raw.DisposeAsync();
    }

    private string NewKey() => "state-tests||" + infra.UniqueName("k");

    private Task<PostgreSqlV2StateStore> CreateV2Async(Dictionary<string, string> metadata)
    {
        metadata.TryAdd("connectionString", _connectionString);
        return CreateAsync<PostgreSqlV2StateStore>(PostgreSqlStateStores.CreateAsync, "state.postgresql", metadata, version: "v2");
    }

    [Fact]
    public Task Keys_like_lists_live_keys_in_row_id_order_with_the_last_row_id_as_token() =>
        AssertKeysLikePagesInRowIdOrderAsync(_store, infra.UniqueName("keys-like"));

    [Fact]
    public async Task Init_creates_daprs_V2_schema()
    {
        var columns = await _raw.QueryAsync(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'state' ORDER BY ordinal_position",
            r => $"{r.GetString(0)} {r.GetString(1)} {r.GetString(2)}");
        Assert.Equal(
        [
            "key text NO",
            "value bytea NO",
            "etag uuid NO",
            "created_at timestamp with time zone NO",
            "updated_at timestamp with time zone YES",
            "expires_at timestamp with time zone YES",
            "row_id bigint NO",
        ], columns);
        Assert.Equal(["migrations-state-v2-=2"], await _raw.QueryAsync(
            "SELECT key, value FROM dapr_metadata WHERE key LIKE 'migrations%'", r => $"{r.GetString(0)}={r.GetString(1)}"));
        Assert.Equal(["state_expires_at_idx", "state_pkey", "state_row_id_uidx"], await _raw.QueryAsync(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'state' ORDER BY indexname", r => r.GetString(0)));
    }

    [Fact]
    public async Task Values_are_stored_as_their_bytes_with_a_uuid_etag()
    {
        var key = NewKey();

        var etag = await _store.SetAsync(Set(key, """{"a":1}"""), Ct);

        Assert.True(Guid.TryParse(etag, out _));
        var row = Assert.Single(await _raw.QueryAsync("SELECT value, etag::text FROM state WHERE key = $1", r => (Value: r.GetFieldValue<byte[]>(0), ETag: r.GetString(1)), key));
        Assert.Equal("""{"a":1}"""u8.ToArray(), row.Value);
        Assert.Equal(etag, row.ETag);
        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        Assert.Equal("""{"a":1}""", Text(entry));
        Assert.Equal(etag, entry!.ETag);
    }

    [Fact]
    public async Task Etag_mismatch_and_malformed_etags_are_mismatches()
    {
        var key = NewKey();
        var first = await _store.SetAsync(Set(key, "1"), Ct);
        var second = await _store.SetAsync(Set(key, "2"), Ct);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.SetAsync(Set(key, "3", etag: first), Ct));
        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.SetAsync(Set(key, "3", etag: "not-a-uuid"), Ct));
        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.DeleteAsync(Delete(key, "not-a-uuid"), Ct));
        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.DeleteAsync(Delete(key, first), Ct));

        var third = await _store.SetAsync(Set(key, "3", etag: second), Ct);
        Assert.NotEqual(second, third);
        await _store.DeleteAsync(Delete(key, third), Ct);
        Assert.Null(await _store.GetAsync(key, StateReadOptions.Default, Ct));
    }

    [Fact]
    public async Task First_write_refuses_an_existing_row()
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1", concurrency: StateConcurrency.FirstWrite), Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.SetAsync(Set(key, "2", concurrency: StateConcurrency.FirstWrite), Ct));
    }

    [Fact]
    public async Task Ttl_hides_the_row_reports_ttl_expire_time_and_cleanup_deletes_it()
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1", ttl: 1), Ct);

        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", entry!.Metadata!["ttlExpireTime"]);

        await _raw.ExecuteAsync("UPDATE state SET expires_at = now() - interval '1 second' WHERE key = $1", key);
        Assert.Null(await _store.GetAsync(key, StateReadOptions.Default, Ct));
        Assert.True(await _store.CleanupExpiredAsync(Ct) >= 1);
        Assert.Equal(0, await _raw.CountAsync("state", key));
        Assert.Single(await _raw.QueryAsync("SELECT key FROM dapr_metadata WHERE key = 'last-cleanup-state-v2-'", r => r.GetString(0)));
    }

    [Fact]
    public async Task Transaction_is_all_or_nothing()
    {
        var (a, b) = (NewKey(), NewKey());
        var stale = await _store.SetAsync(Set(b, "1"), Ct);
        await _store.SetAsync(Set(b, "2"), Ct);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.TransactAsync(
        [
            new StateOperation(Set(a, "1"), null),
            new StateOperation(null, Delete(b, stale)),
        ], new Dictionary<string, string>(), Ct));

        Assert.Equal(0, await _raw.CountAsync("state", a));
        Assert.Equal(1, await _raw.CountAsync("state", b));
    }

    [Fact]
    public async Task Bulk_get_keeps_request_order()
    {
        var (a, missing) = (NewKey(), NewKey());
        await _store.SetAsync(Set(a, "\"a\""), Ct);

        var results = await _store.BulkGetAsync([missing, a], StateReadOptions.Default, 0, Ct);

        Assert.Equal([missing, a], results.Select(r => r.Key));
        Assert.Null(results[0].Entry);
        Assert.Equal("\"a\"", Text(results[1].Entry));
    }

    [Fact]
    public async Task Table_prefix_names_the_table_and_its_migration_row()
    {
        await using var store = await CreateV2Async(new Dictionary<string, string> { ["tablePrefix"] = "orders_" });
        var key = NewKey();

        await store.SetAsync(Set(key, "1"), Ct);

        Assert.Equal(1, await _raw.CountAsync("orders_state", key));
        Assert.Equal(["migrations-state-v2-orders_=2"], await _raw.QueryAsync(
            "SELECT key, value FROM dapr_metadata WHERE key = 'migrations-state-v2-orders_'", r => $"{r.GetString(0)}={r.GetString(1)}"));
    }

    [Fact]
    public async Task Table_prefix_must_make_a_plain_table_name()
    {
        var error = await Assert.ThrowsAsync<Resources.ResourceException>(() => CreateV2Async(new Dictionary<string, string> { ["tablePrefix"] = "x;drop " }));

        Assert.Contains("spec.metadata.tablePrefix", error.Message);
    }
}
