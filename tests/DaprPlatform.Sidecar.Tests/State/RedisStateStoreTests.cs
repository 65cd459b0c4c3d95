using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Components.State.Redis;
using DaprPlatform.Sidecar.Tests.PubSub;
using DaprPlatform.Testing;
using StackExchange.Redis;
using Xunit;
using static DaprPlatform.Sidecar.Tests.State.StateComponents;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>
/// state.redis against a real Redis, checked at the wire level: what daprd's component stores (a hash
/// <c>appid||key</c> → {data, version[, first-write]}) is what this store writes and reads.
/// </summary>
public sealed class RedisStateStoreTests(InfraFixture infra) : IAsyncLifetime
{
    private RedisStateStore _store = null!;
    private ConnectionMultiplexer _raw = null!;

    private IDatabase Raw => _raw.GetDatabase();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", new Dictionary<string, string> { ["redisHost"] = infra.RedisHost });
        _raw = await ConnectionMultiplexer.ConnectAsync(infra.RedisHost);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _raw.CloseAsync(allowCommandsToComplete: false);
        _raw.Dispose();
    }

    private string NewKey() => "state-tests||" + infra.UniqueName("k");

    [Fact]
    public async Task Keys_like_scans_every_match_sorts_them_and_pages_by_offset()
    {
        var prefix = infra.UniqueName("keys-like");
        foreach (var name in new[] { "c", "a", "b_1", "bx1" })
        {
            await _store.SetAsync(Set($"{prefix}||{name}", "1"), Ct);
        }

        var first = await _store.KeysLikeAsync(new KeysLikeRequest($"{prefix}||%", null, 3), Ct);
        var second = await _store.KeysLikeAsync(new KeysLikeRequest($"{prefix}||%", first.ContinuationToken, 3), Ct);
        var literalUnderscore = await _store.KeysLikeAsync(new KeysLikeRequest($"{prefix}||b\\_1", null, null), Ct);

        Assert.Equal([$"{prefix}||a", $"{prefix}||b_1", $"{prefix}||bx1"], first.Keys);
        Assert.Equal("3", first.ContinuationToken);
        Assert.Equal([$"{prefix}||c"], second.Keys);
        Assert.Null(second.ContinuationToken);
        Assert.Equal([$"{prefix}||b_1"], literalUnderscore.Keys);
    }

    [Fact]
    public async Task First_save_stores_daprs_hash_layout_with_version_one()
    {
        var key = NewKey();

        var etag = await _store.SetAsync(Set(key, """{"name":"Ada","n":1}"""), Ct);

        Assert.Equal("1", etag);
        Assert.Equal(RedisType.Hash, await Raw.KeyTypeAsync(key));
        var hash = (await Raw.HashGetAllAsync(key)).ToDictionary(h => (string)h.Name!, h => (string)h.Value!);
        Assert.Equal(new Dictionary<string, string> { ["data"] = """{"name":"Ada","n":1}""", ["version"] = "1" }, hash);
        Assert.Null(await Raw.KeyTimeToLiveAsync(key));
    }

    [Fact]
    public async Task Every_save_increments_the_version_and_get_returns_it_as_etag()
    {
        var key = NewKey();

        Assert.Equal("1", await _store.SetAsync(Set(key, "1"), Ct));
        Assert.Equal("2", await _store.SetAsync(Set(key, "2"), Ct));
        Assert.Equal("3", await _store.SetAsync(Set(key, "3", etag: "2"), Ct));

        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        Assert.Equal("3", Text(entry));
        Assert.Equal("3", entry!.ETag);
        Assert.Null(entry.Metadata);
        Assert.Equal("3", (string?)await Raw.HashGetAsync(key, "version"));
    }

    [Fact]
    public async Task Save_with_stale_etag_is_a_mismatch_and_leaves_the_value()
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "\"first\""), Ct);
        await _store.SetAsync(Set(key, "\"second\""), Ct);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.SetAsync(Set(key, "\"third\"", etag: "1"), Ct));

        Assert.Equal("\"second\"", (string?)await Raw.HashGetAsync(key, "data"));
        Assert.Equal("2", (string?)await Raw.HashGetAsync(key, "version"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("9f8c1a2e-0000-4000-8000-000000000000")]
    public async Task Save_with_non_integer_etag_is_invalid(string etag)
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1"), Ct);

        await Assert.ThrowsAsync<StateETagInvalidException>(() => _store.SetAsync(Set(key, "2", etag: etag), Ct));
        Assert.Equal("1", (string?)await Raw.HashGetAsync(key, "data"));
    }

    [Fact]
    public async Task Save_with_etag_on_a_missing_key_creates_it_as_daprs_script_does()
    {
        var key = NewKey();

        Assert.Equal("1", await _store.SetAsync(Set(key, "\"x\"", etag: "41"), Ct));
    }

    [Fact]
    public async Task First_write_marks_the_hash_and_then_refuses_saves_without_etag()
    {
        var key = NewKey();

        Assert.Equal("1", await _store.SetAsync(Set(key, "\"a\"", concurrency: StateConcurrency.FirstWrite), Ct));
        Assert.Equal("0", (string?)await Raw.HashGetAsync(key, "first-write"));

        // Without an etag: refused, but not as an etag error (daprd answers 500 here, not 409).
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.SetAsync(Set(key, "\"b\""), Ct));
        Assert.Contains("failed to set key " + key, refused.Message);
        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.SetAsync(Set(key, "\"b\"", etag: "7", concurrency: StateConcurrency.FirstWrite), Ct));

        Assert.Equal("2", await _store.SetAsync(Set(key, "\"b\"", etag: "1", concurrency: StateConcurrency.FirstWrite), Ct));
        Assert.Equal("\"b\"", Text(await _store.GetAsync(key, StateReadOptions.Default, Ct)));
    }

    [Fact]
    public async Task First_write_on_a_key_saved_with_last_write_succeeds_as_in_daprs_script()
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1"), Ct);

        Assert.Equal("2", await _store.SetAsync(Set(key, "2", concurrency: StateConcurrency.FirstWrite), Ct));
        Assert.Equal("0", (string?)await Raw.HashGetAsync(key, "first-write"));
    }

    [Fact]
    public async Task Delete_without_etag_removes_the_key()
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1", concurrency: StateConcurrency.FirstWrite), Ct);

        await _store.DeleteAsync(Delete(key), Ct);

        Assert.False(await Raw.KeyExistsAsync(key));
        Assert.Null(await _store.GetAsync(key, StateReadOptions.Default, Ct));
    }

    [Fact]
    public async Task Delete_with_etag_checks_the_version()
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1"), Ct);
        await _store.SetAsync(Set(key, "2"), Ct);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.DeleteAsync(Delete(key, "1"), Ct));
        // daprd's delete does not parse the etag: a non-integer one is a mismatch, not an invalid etag.
        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.DeleteAsync(Delete(key, "abc"), Ct));
        Assert.True(await Raw.KeyExistsAsync(key));

        await _store.DeleteAsync(Delete(key, "2"), Ct);
        Assert.False(await Raw.KeyExistsAsync(key));

        // A missing key has no version to conflict with.
        await _store.DeleteAsync(Delete(key, "5"), Ct);
    }

    [Fact]
    public async Task Ttl_expires_the_key_and_is_set_with_expire()
    {
        var key = NewKey();

        await _store.SetAsync(Set(key, "1", ttl: 1), Ct);

        var ttl = await Raw.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.NotNull(await _store.GetAsync(key, StateReadOptions.Default, Ct));

        await WaitUntilAsync(async () => !await Raw.KeyExistsAsync(key), TimeSpan.FromSeconds(5));
        Assert.Null(await _store.GetAsync(key, StateReadOptions.Default, Ct));
    }

    [Fact]
    public async Task Ttl_is_kept_by_saves_without_ttl_and_removed_by_minus_one()
    {
        var key = NewKey();
        await _store.SetAsync(Set(key, "1", ttl: 100), Ct);

        // Like daprd: no ttlInSeconds leaves the key's TTL as it was (HSET keeps it) ...
        await _store.SetAsync(Set(key, "2"), Ct);
        Assert.NotNull(await Raw.KeyTimeToLiveAsync(key));

        // ... and -1 (or 0) makes it persistent.
        await _store.SetAsync(Set(key, "3", ttl: -1), Ct);
        Assert.Null(await Raw.KeyTimeToLiveAsync(key));
        Assert.Equal("3", (string?)await Raw.HashGetAsync(key, "data"));
    }

    [Fact]
    public async Task Component_ttl_in_seconds_is_the_default_and_minus_one_overrides_it()
    {
        await using var store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis",
            new Dictionary<string, string> { ["redisHost"] = infra.RedisHost, ["ttlInSeconds"] = "300" });
        var withDefault = NewKey();
        var overridden = NewKey();

        await store.SetAsync(Set(withDefault, "1"), Ct);
        await store.SetAsync(Set(overridden, "1", ttl: -1), Ct);

        Assert.InRange((await Raw.KeyTimeToLiveAsync(withDefault))!.Value, TimeSpan.FromSeconds(290), TimeSpan.FromSeconds(300));
        Assert.Null(await Raw.KeyTimeToLiveAsync(overridden));
    }

    [Fact]
    public async Task Transaction_applies_every_operation()
    {
        var (a, b, c) = (NewKey(), NewKey(), NewKey());
        await _store.SetAsync(Set(b, "\"old\""), Ct);
        await _store.SetAsync(Set(c, "\"gone\""), Ct);

        await _store.TransactAsync(
        [
            new StateOperation(Set(a, "\"a\""), null),
            new StateOperation(Set(b, "\"b\"", etag: "1"), null),
            new StateOperation(null, Delete(c, "1")),
        ], new Dictionary<string, string>(), Ct);

        Assert.Equal("\"a\"", (string?)await Raw.HashGetAsync(a, "data"));
        Assert.Equal("1", (string?)await Raw.HashGetAsync(a, "version"));
        Assert.Equal("\"b\"", (string?)await Raw.HashGetAsync(b, "data"));
        Assert.Equal("2", (string?)await Raw.HashGetAsync(b, "version"));
        Assert.False(await Raw.KeyExistsAsync(c));
    }

    [Fact]
    public async Task Transaction_with_one_stale_etag_writes_nothing()
    {
        var (a, b) = (NewKey(), NewKey());
        await _store.SetAsync(Set(b, "\"b1\""), Ct);
        await _store.SetAsync(Set(b, "\"b2\""), Ct);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.TransactAsync(
        [
            new StateOperation(Set(a, "\"a\""), null),
            new StateOperation(Set(b, "\"b3\"", etag: "1"), null),
        ], new Dictionary<string, string>(), Ct));

        Assert.False(await Raw.KeyExistsAsync(a));
        Assert.Equal("\"b2\"", (string?)await Raw.HashGetAsync(b, "data"));
    }

    [Fact]
    public async Task Transaction_with_a_stale_delete_writes_nothing()
    {
        var (a, b) = (NewKey(), NewKey());
        await _store.SetAsync(Set(b, "1"), Ct);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.TransactAsync(
        [
            new StateOperation(Set(a, "\"a\""), null),
            new StateOperation(null, Delete(b, "9")),
        ], new Dictionary<string, string>(), Ct));

        Assert.False(await Raw.KeyExistsAsync(a));
        Assert.True(await Raw.KeyExistsAsync(b));
    }

    [Fact]
    public async Task Transaction_with_an_invalid_etag_fails_before_writing()
    {
        var a = NewKey();

        await Assert.ThrowsAsync<StateETagInvalidException>(() => _store.TransactAsync(
        [
            new StateOperation(Set(a, "\"a\""), null),
            new StateOperation(Set(NewKey(), "\"b\"", etag: "not-a-number"), null),
        ], new Dictionary<string, string>(), Ct));

        Assert.False(await Raw.KeyExistsAsync(a));
    }

    [Fact]
    public async Task Transaction_save_without_etag_on_a_first_write_key_is_refused_and_writes_nothing()
    {
        var (a, b) = (NewKey(), NewKey());
        await _store.SetAsync(Set(b, "\"b1\"", concurrency: StateConcurrency.FirstWrite), Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.TransactAsync(
        [
            new StateOperation(Set(a, "\"a\""), null),
            new StateOperation(Set(b, "\"b2\""), null),
        ], new Dictionary<string, string>(), Ct));

        Assert.Contains("first-write", error.Message);
        Assert.False(await Raw.KeyExistsAsync(a));
        Assert.Equal("\"b1\"", (string?)await Raw.HashGetAsync(b, "data"));
    }

    [Fact]
    public async Task Transaction_over_a_key_whose_version_is_not_an_integer_writes_nothing()
    {
        var (a, corrupt) = (NewKey(), NewKey());
        await Raw.HashSetAsync(corrupt, [new HashEntry("data", "1"), new HashEntry("version", "v1")]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.TransactAsync(
        [
            new StateOperation(Set(a, "\"a\""), null),
            new StateOperation(Set(corrupt, "2", etag: null), null),
        ], new Dictionary<string, string>(), Ct));

        Assert.Contains("not an integer", error.Message);
        Assert.False(await Raw.KeyExistsAsync(a));
        Assert.Equal("1", (string?)await Raw.HashGetAsync(corrupt, "data"));
    }

    [Fact]
    public async Task Transaction_replaces_and_deletes_keys_of_other_types()
    {
        var (legacy, list) = (NewKey(), NewKey());
        await Raw.StringSetAsync(legacy, "legacy");
        await Raw.ListLeftPushAsync(list, "x");

        await _store.TransactAsync(
        [
            new StateOperation(Set(legacy, "\"now a hash\""), null),
            new StateOperation(null, Delete(list, "3")),
        ], new Dictionary<string, string>(), Ct);

        Assert.Equal("\"now a hash\"", (string?)await Raw.HashGetAsync(legacy, "data"));
        Assert.Equal("1", (string?)await Raw.HashGetAsync(legacy, "version"));
        Assert.False(await Raw.KeyExistsAsync(list));
    }

    [Fact]
    public async Task Transaction_sees_its_own_earlier_operations()
    {
        var key = NewKey();

        // Version 1 after the first upsert, so the second upsert's etag "1" matches and the delete's "2" too.
        await _store.TransactAsync(
        [
            new StateOperation(Set(key, "\"v1\""), null),
            new StateOperation(Set(key, "\"v2\"", etag: "1"), null),
            new StateOperation(null, Delete(key, "2")),
            new StateOperation(Set(key, "\"v3\"", ttl: 100), null),
        ], new Dictionary<string, string>(), Ct);

        Assert.Equal("\"v3\"", (string?)await Raw.HashGetAsync(key, "data"));
        Assert.Equal("1", (string?)await Raw.HashGetAsync(key, "version"));
        Assert.NotNull(await Raw.KeyTimeToLiveAsync(key));
    }

    [Fact]
    public async Task Transactions_racing_on_the_same_keys_all_apply_without_lost_updates()
    {
        var (shared, other) = (NewKey(), NewKey());
        const int Racers = 4;
        const int TransactionsEach = 25;

        // Each transaction bumps both keys; a key changed between the check and EXEC makes it start over.
        await Task.WhenAll(Enumerable.Range(0, Racers).Select(r => Task.Run(async () =>
        {
            for (var i = 0; i < TransactionsEach; i++)
            {
                await _store.TransactAsync(
                [
                    new StateOperation(Set(shared, $"\"{r}-{i}\""), null),
                    new StateOperation(Set(other, $"\"{r}-{i}\""), null),
                ], new Dictionary<string, string>(), Ct);
            }
        }, Ct)));

        Assert.Equal($"{Racers * TransactionsEach}", (string?)await Raw.HashGetAsync(shared, "version"));
        Assert.Equal($"{Racers * TransactionsEach}", (string?)await Raw.HashGetAsync(other, "version"));
        // Both keys were written by the same (last) transaction.
        Assert.Equal((string?)await Raw.HashGetAsync(shared, "data"), (string?)await Raw.HashGetAsync(other, "data"));
    }

    [Fact]
    public async Task Bulk_get_returns_each_key_in_order_with_etags_and_empty_entries_for_missing_keys()
    {
        var (a, missing, b) = (NewKey(), NewKey(), NewKey());
        await _store.SetAsync(Set(a, "\"a\""), Ct);
        await _store.SetAsync(Set(b, "\"b\""), Ct);
        await _store.SetAsync(Set(b, "\"b2\""), Ct);

        var results = await ((IStateStore)_store).BulkGetAsync([a, missing, b], StateReadOptions.Default, 0, Ct);

        Assert.Equal([a, missing, b], results.Select(r => r.Key));
        Assert.Equal("\"a\"", Text(results[0].Entry));
        Assert.Equal("1", results[0].Entry!.ETag);
        Assert.Null(results[1].Entry);
        Assert.Null(results[1].Error);
        Assert.Equal("\"b2\"", Text(results[2].Entry));
        Assert.Equal("2", results[2].Entry!.ETag);
    }

    [Fact]
    public async Task Interop_a_hash_written_as_daprd_writes_it_is_readable_and_versioned_on()
    {
        var key = NewKey();
        await Raw.HashSetAsync(key, [new HashEntry("data", """{"from":"daprd"}"""), new HashEntry("version", "7")]);

        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        Assert.Equal("""{"from":"daprd"}""", Text(entry));
        Assert.Equal("7", entry!.ETag);

        await Assert.ThrowsAsync<StateETagMismatchException>(() => _store.SetAsync(Set(key, "1", etag: "6"), Ct));
        Assert.Equal("8", await _store.SetAsync(Set(key, "\"ours\"", etag: "7"), Ct));
        Assert.Equal("\"ours\"", (string?)await Raw.HashGetAsync(key, "data"));
    }

    [Fact]
    public async Task Interop_a_plain_string_key_is_read_without_etag_and_replaced_by_a_hash_on_save()
    {
        var key = NewKey();
        await Raw.StringSetAsync(key, "legacy");

        var entry = await _store.GetAsync(key, StateReadOptions.Default, Ct);
        Assert.Equal("legacy", Text(entry));
        Assert.Null(entry!.ETag);

        Assert.Equal("1", await _store.SetAsync(Set(key, "\"new\""), Ct));
        Assert.Equal(RedisType.Hash, await Raw.KeyTypeAsync(key));
    }

    [Fact]
    public async Task A_hash_without_version_is_an_error_as_in_daprd()
    {
        var key = NewKey();
        await Raw.HashSetAsync(key, "data", "x");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.GetAsync(key, StateReadOptions.Default, Ct));
        Assert.Contains("'data' or 'version'", error.Message);
    }

    [Fact]
    public async Task Binary_values_are_stored_as_raw_bytes()
    {
        var key = NewKey();
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await _store.SetAsync(SetBytes(key, bytes), Ct);

        Assert.Equal(bytes, (byte[]?)await Raw.HashGetAsync(key, "data"));
        Assert.Equal(bytes, (await _store.GetAsync(key, StateReadOptions.Default, Ct))!.Data.ToArray());
    }

    [Fact]
    public async Task Redis_db_selects_the_database()
    {
        await using var store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis",
            new Dictionary<string, string> { ["redisHost"] = infra.RedisHost, ["redisDB"] = "3" });
        var key = NewKey();

        await store.SetAsync(Set(key, "1"), Ct);

        Assert.False(await Raw.KeyExistsAsync(key));
        Assert.Equal("1", (string?)await _raw.GetDatabase(3).HashGetAsync(key, "version"));
    }

    [Fact]
    public async Task Strong_consistency_without_replicas_still_saves()
    {
        var key = NewKey();
        var request = Set(key, "1") with { Consistency = StateConsistency.Strong };

        Assert.Equal("1", await _store.SetAsync(request, Ct));
    }

    [Fact]
    public async Task Init_starts_a_second_connect_attempt_when_the_first_hangs()
    {
        await using var proxy = new TcpProxy(infra.RedisPort);
        var metadata = new Dictionary<string, string> { ["redisHost"] = $"127.0.0.1:{proxy.Port}" };
        await (await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", metadata)).DisposeAsync();
        var connectionsPerAttempt = proxy.Accepted;

        // The server takes every connection of the next attempt and never answers on them.
        proxy.HoldFirst = proxy.Accepted + connectionsPerAttempt;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", metadata);

        Assert.Equal("1", await store.SetAsync(Set(NewKey(), "1"), Ct));
        // A single attempt (StackExchange.Redis 1.2.6) would wait out its 5 s dial timeout (and daprd's 5 s init
        // timeout) and fail. The client now abandons an attempt after the read timeout (3 s), as go-redis abandons a
        // connection whose handshake does not answer, and its next attempt connects.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"connected after {started.Elapsed}");
        Assert.Equal(3 * connectionsPerAttempt, proxy.Accepted);
    }

    [Fact]
    public async Task Init_fails_for_an_unreachable_server()
    {
        var port = FreePort.Get();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis",
            new Dictionary<string, string> { ["redisHost"] = $"127.0.0.1:{port}", ["dialTimeout"] = "500ms" }));
        Assert.Contains("error connecting to redis", error.Message);
    }

    [Theory]
    [InlineData("redisHost", "", "spec.metadata.redisHost")]
    [InlineData("redisType", "sentinel", "spec.metadata.redisType")]
    [InlineData("failover", "true", "spec.metadata.failover")]
    [InlineData("redisDB", "one", "spec.metadata.redisDB")]
    public async Task Init_rejects_bad_metadata_naming_the_field(string field, string value, string reported)
    {
        var metadata = new Dictionary<string, string> { ["redisHost"] = infra.RedisHost, [field] = value };

        var error = await Assert.ThrowsAsync<Resources.ResourceException>(() => CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", metadata));
        Assert.Contains(reported, error.Message);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        Assert.True(await Eventually.ReturnsAsync(condition, timeout), $"condition not met within {timeout}");
    }
}
