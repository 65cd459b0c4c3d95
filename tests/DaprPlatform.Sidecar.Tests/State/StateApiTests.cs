using System.Net;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Xunit;
using static DaprPlatform.Sidecar.Tests.State.StateApiSidecar;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>
/// daprd's state API (/v1.0/state) through a real sidecar process, over state.in-memory, state.redis and
/// state.postgresql (v1 and v2): status codes, error codes, headers and bodies as daprd answers them.
/// </summary>
public sealed class StateApiTests(StateApiSidecar fixture) : IClassFixture<StateApiSidecar>
{
    private HttpClient Http => fixture.Http;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string NewKey() => fixture.Infra.UniqueName("key");

    [Theory]
    [InlineData(InMemory, """{"a":1,"b":"x"}""")]
    [InlineData(Redis, """{"a":1,"b":"x"}""")]
    [InlineData(Postgres, """{"a": 1, "b": "x"}""")]
    [InlineData(PostgresV2, """{"a":1,"b":"x"}""")]
    public async Task Save_returns_204_then_get_returns_the_value_with_an_etag(string store, string expectedBody)
    {
        var key = NewKey();

        using var save = await SaveAsync(store, $$$"""[{"key":"{{{key}}}","value":{"a": 1, "b": "x"}}]""");
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Empty(await save.Content.ReadAsByteArrayAsync(Ct));

        using var get = await Http.GetAsync($"v1.0/state/{store}/{key}", Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/json", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expectedBody, await get.Content.ReadAsStringAsync(Ct));
        Assert.False(string.IsNullOrEmpty(ETagOf(get)));
    }

    [Theory]
    [InlineData(InMemory, 10)]
    [InlineData(Redis, 10)]
    [InlineData(Redis, 100_000)]
    [InlineData(PostgresV2, 100_000)]
    public async Task Values_of_any_size_and_any_text_come_back_as_saved(string store, int length)
    {
        // Several values in one request and in a row: each is written through the same per-thread scratch buffer.
        var keys = Enumerable.Range(0, 3).Select(_ => NewKey()).ToList();
        var values = keys.Select((_, i) => JsonSerializer.Serialize(new string((char)('a' + i), length) + " é 日本 <&>")).ToList();
        var items = string.Join(',', keys.Select((k, i) => $$"""{"key":"{{k}}","value":{{values[i]}}}"""));

        using var save = await SaveAsync(store, $"[{items}]");
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        for (var i = 0; i < keys.Count; i++)
        {
            using var get = await Http.GetAsync($"v1.0/state/{store}/{keys[i]}", Ct);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(
                JsonSerializer.Deserialize<string>(values[i]),
                JsonSerializer.Deserialize<string>(await get.Content.ReadAsStringAsync(Ct)));
        }
    }

    [Theory]
    [InlineData(InMemory)]
    [InlineData(Redis)]
    [InlineData(Postgres)]
    [InlineData(PostgresV2)]
    public async Task Get_of_a_missing_key_returns_204(string store)
    {
        using var get = await Http.GetAsync($"v1.0/state/{store}/{NewKey()}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);
        Assert.Empty(await get.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData(InMemory)]
    [InlineData(Redis)]
    [InlineData(Postgres)]
    [InlineData(PostgresV2)]
    public async Task Save_with_a_stale_etag_returns_409_ERR_STATE_SAVE(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, key, "1");
        var stale = await ETagAsync(store, key);
        await SaveOkAsync(store, key, "2");

        using var conflict = await SaveAsync(store, $$$"""[{"key":"{{{key}}}","value":3,"etag":"{{{stale}}}"}]""");

        var error = await ErrorAsync(conflict, HttpStatusCode.Conflict, "ERR_STATE_SAVE");
        Assert.StartsWith($"failed saving state in state store {store}: possible etag mismatch", error.Message);
        Assert.Equal("2", await ValueAsync(store, key));

        var current = await ETagAsync(store, key);
        using var ok = await SaveAsync(store, $$$"""[{"key":"{{{key}}}","value":3,"etag":"{{{current}}}"}]""");
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal("3", await ValueAsync(store, key));
    }

    [Theory]
    [InlineData(Redis, HttpStatusCode.BadRequest)]
    [InlineData(Postgres, HttpStatusCode.BadRequest)]
    // v2 etags are UUIDs, and daprd treats a malformed one as a mismatch.
    [InlineData(PostgresV2, HttpStatusCode.Conflict)]
    // In-memory etags are opaque UUIDs: anything else is merely a mismatch.
    [InlineData(InMemory, HttpStatusCode.Conflict)]
    public async Task Save_with_an_etag_of_the_wrong_format_is_invalid_for_redis_and_postgres(string store, HttpStatusCode expected)
    {
        var key = NewKey();
        await SaveOkAsync(store, key, "1");

        using var response = await SaveAsync(store, $$$"""[{"key":"{{{key}}}","value":2,"etag":"not-a-number"}]""");

        var error = await ErrorAsync(response, expected, "ERR_STATE_SAVE");
        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.Contains("invalid etag value", error.Message);
        }
    }

    [Theory]
    [InlineData(InMemory, HttpStatusCode.Conflict)]
    // daprd's Redis and PostgreSQL refuse a first-write save of an existing key with a plain error, so 500.
    [InlineData(Redis, HttpStatusCode.InternalServerError)]
    [InlineData(Postgres, HttpStatusCode.InternalServerError)]
    [InlineData(PostgresV2, HttpStatusCode.InternalServerError)]
    public async Task First_write_without_etag_on_an_existing_key_is_refused(string store, HttpStatusCode expected)
    {
        var key = NewKey();
        var body = $$$"""[{"key":"{{{key}}}","value":1,"options":{"concurrency":"first-write"}}]""";
        using (var first = await SaveAsync(store, body))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        using var second = await SaveAsync(store, body);

        await ErrorAsync(second, expected, "ERR_STATE_SAVE");
    }

    [Theory]
    [InlineData(InMemory)]
    [InlineData(Redis)]
    [InlineData(Postgres)]
    [InlineData(PostgresV2)]
    public async Task Delete_with_if_match_checks_the_etag(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, key, "1");
        var stale = await ETagAsync(store, key);
        await SaveOkAsync(store, key, "2");

        using var conflict = await DeleteAsync(store, key, stale);
        var error = await ErrorAsync(conflict, HttpStatusCode.Conflict, "ERR_STATE_DELETE");
        Assert.StartsWith($"failed deleting state with key {key}: possible etag mismatch", error.Message);

        using var deleted = await DeleteAsync(store, key, await ETagAsync(store, key));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var get = await Http.GetAsync($"v1.0/state/{store}/{key}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);

        // Without If-Match a delete always succeeds, even of a missing key.
        using var again = await DeleteAsync(store, key, null);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Theory]
    [InlineData(InMemory)]
    [InlineData(Redis)]
    [InlineData(Postgres)]
    [InlineData(PostgresV2)]
    public async Task Bulk_get_answers_with_data_not_value_and_only_the_key_for_missing_ones(string store)
    {
        var (a, missing, b) = (NewKey(), NewKey(), NewKey());
        await SaveOkAsync(store, a, "\"A\"");
        await SaveOkAsync(store, b, "[1,2]");

        using var response = await Http.PostAsync($"v1.0/state/{store}/bulk", Json($$$"""{"keys":["{{{a}}}","{{{missing}}}","{{{b}}}"],"parallelism":2}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var items = json.RootElement.EnumerateArray().ToDictionary(i => i.GetProperty("key").GetString()!);
        Assert.Equal(3, items.Count);
        Assert.Equal("A", items[a].GetProperty("data").GetString());
        Assert.Equal(await ETagAsync(store, a), items[a].GetProperty("etag").GetString());
        Assert.False(items[a].TryGetProperty("value", out _));
        Assert.Equal(2, items[b].GetProperty("data").GetArrayLength());
        Assert.Equal(["key"], items[missing].EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData(InMemory)]
    [InlineData(Redis)]
    [InlineData(Postgres)]
    [InlineData(PostgresV2)]
    public async Task Transaction_applies_upserts_and_deletes(string store)
    {
        var (a, b, gone) = (NewKey(), NewKey(), NewKey());
        await SaveOkAsync(store, b, "\"old\"");
        await SaveOkAsync(store, gone, "\"bye\"");
        var bETag = await ETagAsync(store, b);

        using var response = await TransactAsync(store, $$$"""
            {"operations":[
              {"operation":"upsert","request":{"key":"{{{a}}}","value":{"n":1} }},
              {"operation":"upsert","request":{"key":"{{{b}}}","value":"new","etag":"{{{bETag}}}"}},
              {"operation":"delete","request":{"key":"{{{gone}}}"}}]}
            """);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await ValueAsync(store, a)).RootElement.GetProperty("n").GetInt32());
        Assert.Equal("\"new\"", await ValueAsync(store, b));
        using var get = await Http.GetAsync($"v1.0/state/{store}/{gone}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);
    }

    [Theory]
    [InlineData(InMemory)]
    [InlineData(Redis)]
    [InlineData(Postgres)]
    [InlineData(PostgresV2)]
    public async Task Transaction_with_a_stale_etag_returns_500_ERR_STATE_TRANSACTION_and_writes_nothing(string store)
    {
        var (a, b) = (NewKey(), NewKey());
        await SaveOkAsync(store, b, "1");
        var stale = await ETagAsync(store, b);
        await SaveOkAsync(store, b, "2");

        using var response = await TransactAsync(store, $$$"""
            {"operations":[
              {"operation":"upsert","request":{"key":"{{{a}}}","value":1}},
              {"operation":"upsert","request":{"key":"{{{b}}}","value":3,"etag":"{{{stale}}}"}}]}
            """);

        var error = await ErrorAsync(response, HttpStatusCode.InternalServerError, "ERR_STATE_TRANSACTION");
        Assert.StartsWith("error while executing state transaction:", error.Message);
        using var get = await Http.GetAsync($"v1.0/state/{store}/{a}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, get.StatusCode);
        Assert.Equal("2", await ValueAsync(store, b));
    }

    [Fact]
    public async Task Transaction_with_an_unknown_operation_returns_400()
    {
        using var response = await TransactAsync(Redis, $$$"""{"operations":[{"operation":"merge","request":{"key":"{{{NewKey()}}}","value":1}}]}""");

        var error = await ErrorAsync(response, HttpStatusCode.BadRequest, "ERR_NOT_SUPPORTED_STATE_OPERATION");
        Assert.Equal("operation type merge not supported", error.Message);
    }

    [Fact]
    public async Task Key_prefix_decides_the_redis_key_as_daprds_strategies_do()
    {
        var key = NewKey();
        foreach (var store in (string[])[Redis, RedisByName, RedisNoPrefix, RedisLiteralPrefix])
        {
            await SaveOkAsync(store, key, $"\"{store}\"");
        }

        Assert.Equal($"\"{Redis}\"", (string?)await fixture.RawRedis.HashGetAsync($"{fixture.AppId}||{key}", "data"));
        Assert.Equal($"\"{RedisByName}\"", (string?)await fixture.RawRedis.HashGetAsync($"{RedisByName}||{key}", "data"));
        Assert.Equal($"\"{RedisNoPrefix}\"", (string?)await fixture.RawRedis.HashGetAsync(key, "data"));
        Assert.Equal($"\"{RedisLiteralPrefix}\"", (string?)await fixture.RawRedis.HashGetAsync($"{LiteralPrefix.ToLowerInvariant()}||{key}", "data"));

        foreach (var store in (string[])[Redis, RedisByName, RedisNoPrefix, RedisLiteralPrefix])
        {
            Assert.Equal($"\"{store}\"", await ValueAsync(store, key));
        }

        // The bulk answer names keys without the prefix.
        using var bulk = await Http.PostAsync($"v1.0/state/{RedisByName}/bulk", Json($$$"""{"keys":["{{{key}}}"]}"""), Ct);
        using var json = JsonDocument.Parse(await bulk.Content.ReadAsStringAsync(Ct));
        Assert.Equal(key, json.RootElement[0].GetProperty("key").GetString());
    }

    [Fact]
    public async Task Redis_layout_of_an_http_save_is_daprs_hash()
    {
        var key = NewKey();

        await SaveOkAsync(Redis, key, """{ "name" : "Zoë", "n" : 1.5 }""");

        // Compact JSON, with non-ASCII text kept as UTF-8 as Go's encoder keeps it.
        var hash = (await fixture.RawRedis.HashGetAllAsync($"{fixture.AppId}||{key}")).ToDictionary(h => (string)h.Name!, h => (string)h.Value!);
        Assert.Equal(new Dictionary<string, string> { ["data"] = """{"name":"Zoë","n":1.5}""", ["version"] = "1" }, hash);
    }

    [Fact]
    public async Task Interop_a_hash_written_as_daprd_writes_it_is_served_with_its_version_as_etag()
    {
        var key = NewKey();
        await fixture.RawRedis.HashSetAsync($"{fixture.AppId}||{key}", [new HashEntry("data", """{"by":"daprd"}"""), new HashEntry("version", "41")]);

        using var get = await Http.GetAsync($"v1.0/state/{Redis}/{key}", Ct);

        Assert.Equal("""{"by":"daprd"}""", await get.Content.ReadAsStringAsync(Ct));
        Assert.Equal("41", ETagOf(get));
    }

    [Theory]
    [InlineData(InMemory, true)]
    [InlineData(Postgres, true)]
    [InlineData(PostgresV2, true)]
    // daprd's Redis component reports no ttlExpireTime.
    [InlineData(Redis, false)]
    public async Task Ttl_in_seconds_expires_the_value(string store, bool reportsExpireTime)
    {
        var (inBody, inQuery) = (NewKey(), NewKey());
        using (var save = await SaveAsync(store, $$$"""[{"key":"{{{inBody}}}","value":1,"metadata":{"ttlInSeconds":"1"}}]"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }

        using (var save = await Http.PostAsync($"v1.0/state/{store}?metadata.ttlInSeconds=1", Json($$$"""[{"key":"{{{inQuery}}}","value":2}]"""), Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }

        using (var get = await Http.GetAsync($"v1.0/state/{store}/{inBody}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(reportsExpireTime, get.Headers.TryGetValues("metadata.ttlExpireTime", out var expireTime));
            if (reportsExpireTime)
            {
                Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", Assert.Single(expireTime!));
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        foreach (var key in (string[])[inBody, inQuery])
        {
            while (true)
            {
                using var get = await Http.GetAsync($"v1.0/state/{store}/{key}", Ct);
                if (get.StatusCode == HttpStatusCode.NoContent)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"{key} did not expire");
                await Task.Delay(200, Ct);
            }
        }
    }

    [Fact]
    public async Task Query_metadata_wins_over_the_items_own_as_daprd_merges_them()
    {
        var key = NewKey();

        using var save = await Http.PostAsync($"v1.0/state/{Redis}?metadata.ttlInSeconds=30",
            Json($$$"""[{"key":"{{{key}}}","value":1,"metadata":{"ttlInSeconds":"3000"}}]"""), Ct);

        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        var ttl = await fixture.RawRedis.KeyTimeToLiveAsync($"{fixture.AppId}||{key}");
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Transaction_metadata_in_the_body_stays_transaction_level_while_query_metadata_reaches_each_operation()
    {
        var (bodyOnly, viaQuery) = (NewKey(), NewKey());

        using (var response = await TransactAsync(Redis, $$$"""
            {"operations":[{"operation":"upsert","request":{"key":"{{{bodyOnly}}}","value":1}}],"metadata":{"ttlInSeconds":"30"}}
            """))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using (var response = await Http.PostAsync($"v1.0/state/{Redis}/transaction?metadata.ttlInSeconds=30",
            Json($$$"""{"operations":[{"operation":"upsert","request":{"key":"{{{viaQuery}}}","value":1}}]}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        Assert.Null(await fixture.RawRedis.KeyTimeToLiveAsync($"{fixture.AppId}||{bodyOnly}"));
        Assert.NotNull(await fixture.RawRedis.KeyTimeToLiveAsync($"{fixture.AppId}||{viaQuery}"));
    }

    [Fact]
    public async Task Bulk_save_attempts_every_item_and_answers_409_when_only_etags_failed()
    {
        var (ok, conflicted) = (NewKey(), NewKey());
        await SaveOkAsync(Redis, conflicted, "1");
        await SaveOkAsync(Redis, conflicted, "2");

        using var response = await SaveAsync(Redis, $$$"""[{"key":"{{{conflicted}}}","value":3,"etag":"1"},{"key":"{{{ok}}}","value":"saved"}]""");

        await ErrorAsync(response, HttpStatusCode.Conflict, "ERR_STATE_SAVE");
        Assert.Equal("\"saved\"", await ValueAsync(Redis, ok));
        Assert.Equal("2", await ValueAsync(Redis, conflicted));
    }

    [Fact]
    public async Task Save_of_an_empty_array_returns_204()
    {
        using var response = await SaveAsync(Redis, "[]");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Save_of_an_item_without_key_returns_400()
    {
        using var response = await SaveAsync(Redis, """[{"value":1}]""");

        var error = await ErrorAsync(response, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");
        Assert.Equal("\"key\" is a required field", error.Message);
    }

    [Fact]
    public async Task Unknown_store_returns_400_ERR_STATE_STORE_NOT_FOUND()
    {
        using var get = await Http.GetAsync($"v1.0/state/nosuchstore/{NewKey()}", Ct);
        var error = await ErrorAsync(get, HttpStatusCode.BadRequest, "ERR_STATE_STORE_NOT_FOUND");
        Assert.Equal("state store nosuchstore is not found", error.Message);

        using var save = await SaveAsync("nosuchstore", """[{"key":"k","value":1}]""");
        await ErrorAsync(save, HttpStatusCode.BadRequest, "ERR_STATE_STORE_NOT_FOUND");

        using var transaction = await TransactAsync("nosuchstore", """{"operations":[]}""");
        await ErrorAsync(transaction, HttpStatusCode.BadRequest, "ERR_STATE_STORE_NOT_FOUND");
    }

    [Fact]
    public async Task A_key_containing_the_separator_returns_400_ERR_MALFORMED_REQUEST()
    {
        using var get = await Http.GetAsync($"v1.0/state/{Redis}/a%7C%7Cb", Ct);
        var error = await ErrorAsync(get, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");
        Assert.Equal("input key/keyPrefix 'a||b' can't contain '||'", error.Message);

        using var save = await SaveAsync(Redis, """[{"key":"a||b","value":1}]""");
        await ErrorAsync(save, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");

        using var delete = await DeleteAsync(Redis, "a%7C%7Cb", null);
        await ErrorAsync(delete, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");

        using var bulk = await Http.PostAsync($"v1.0/state/{Redis}/bulk", Json("""{"keys":["ok","a||b"]}"""), Ct);
        await ErrorAsync(bulk, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");

        using var transaction = await TransactAsync(Redis, """{"operations":[{"operation":"upsert","request":{"key":"a||b","value":1}}]}""");
        await ErrorAsync(transaction, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");
    }

    [Theory]
    [InlineData("", "not json")]
    [InlineData("", """{"key":"k","value":1}""")]
    [InlineData("", """[{"key":"k","value":1""")]
    [InlineData("", """[{"key":1,"value":1}]""")]
    [InlineData("/bulk", "[")]
    [InlineData("/bulk", """{"keys":"k"}""")]
    [InlineData("/transaction", "{")]
    [InlineData("/transaction", """{"operations":{}}""")]
    [InlineData("/transaction", """{"operations":[{"operation":"upsert","request":"k"}]}""")]
    public async Task Malformed_bodies_return_400_ERR_MALFORMED_REQUEST(string path, string body)
    {
        using var response = await Http.PostAsync($"v1.0/state/{Redis}{path}", Json(body), Ct);

        await ErrorAsync(response, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");
    }

    private Task<HttpResponseMessage> SaveAsync(string store, string body) => Http.PostAsync($"v1.0/state/{store}", Json(body), Ct);

    private Task<HttpResponseMessage> TransactAsync(string store, string body) => Http.PostAsync($"v1.0/state/{store}/transaction", Json(body), Ct);

    private Task<HttpResponseMessage> DeleteAsync(string store, string key, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"v1.0/state/{store}/{key}");
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return Http.SendAsync(request, Ct);
    }

    private async Task SaveOkAsync(string store, string key, string jsonValue)
    {
        using var response = await SaveAsync(store, $$$"""[{"key":"{{{key}}}","value":{{{jsonValue}}}}]""");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<string> ValueAsync(string store, string key)
    {
        using var response = await Http.GetAsync($"v1.0/state/{store}/{key}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private async Task<string> ETagAsync(string store, string key)
    {
        using var response = await Http.GetAsync($"v1.0/state/{store}/{key}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ETagOf(response) ?? throw new Xunit.Sdk.XunitException("no ETag header");
    }

    // daprd writes the etag as is (no quotes), which HttpClient's typed ETag header would refuse to parse.
    private static string? ETagOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("ETag", out var values) ? values.Single() : null;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private sealed record Error(string Code, string Message);

    private static async Task<Error> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errorCode)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var error = new Error(json.RootElement.GetProperty("errorCode").GetString()!, json.RootElement.GetProperty("message").GetString()!);
        Assert.Equal(errorCode, error.Code);
        return error;
    }
}
