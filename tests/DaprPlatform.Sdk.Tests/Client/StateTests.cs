namespace DaprPlatform.Sdk.Tests.Client;

public sealed class StateTests
{
    private const string EtagMismatch =
        "failed saving state in state store statestore: possible etag mismatch. error from state store: etag does not match";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveStateAsync_posts_a_one_item_array_to_the_store()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.SaveStateAsync("statestore", "order-1", new Order("o-1", 2), cancellationToken: Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/state/statestore", request.RawTarget);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal(RecordingSidecar.ApiToken, request.Header("dapr-api-token"));
        JsonAssert.Equal("""[{"key":"order-1","value":{"id":"o-1","quantity":2}}]""", request.BodyText);
    }

    [Fact]
    public async Task SaveStateAsync_with_etag_options_and_ttl_metadata_puts_them_on_the_item()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.SaveStateAsync(
            "statestore",
            "counter",
            "7",
            etag: "3",
            stateOptions: new StateOptions { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong },
            metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "60" },
            cancellationToken: Ct);

        JsonAssert.Equal(
            """[{"key":"counter","value":"7","etag":"3","metadata":{"ttlInSeconds":"60"},"options":{"concurrency":"first-write","consistency":"strong"}}]""",
            sidecar.SingleRequest().BodyText);
    }

    [Fact]
    public async Task GetStateAsync_reads_the_raw_value_and_sends_consistency_and_metadata_as_query()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(200, """{"id":"o-1","quantity":5}""", ("ETag", "17")));
        using var client = sidecar.CreateClient();

        var order = await client.GetStateAsync<Order>(
            "statestore", "order 1/a", ConsistencyMode.Strong, new Dictionary<string, string> { ["partitionKey"] = "p1" }, Ct);

        Assert.Equal(new Order("o-1", 5), order);
        var request = sidecar.SingleRequest();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1.0/state/statestore/order%201%2Fa?consistency=strong&metadata.partitionKey=p1", request.RawTarget);
    }

    [Fact]
    public async Task GetStateAsync_of_a_missing_key_is_default_because_daprd_answers_204()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        Assert.Null(await client.GetStateAsync<Order>("statestore", "nope", cancellationToken: Ct));
        Assert.Equal(0, await client.GetStateAsync<int>("statestore", "nope", cancellationToken: Ct));
    }

    [Fact]
    public async Task GetStateEntryAsync_returns_the_unquoted_ETag_header_and_response_metadata()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(
            DaprResponses.Json(200, "\"hello\"", ("ETag", "5"), ("Metadata.ttlexpiretime", "2030-01-01T00:00:00Z")),
            DaprResponses.NoContent());
        using var client = sidecar.CreateClient();

        var entry = await client.GetStateEntryAsync<string>("statestore", "greeting", cancellationToken: Ct);
        var missing = await client.GetStateEntryAsync<string>("statestore", "gone", cancellationToken: Ct);

        Assert.Equal("hello", entry.Value);
        Assert.Equal("5", entry.ETag);
        Assert.True(entry.Exists);
        Assert.Equal("2030-01-01T00:00:00Z", entry.Metadata["ttlExpireTime"]);
        Assert.False(missing.Exists);
        Assert.Null(missing.ETag);
        Assert.Empty(missing.Metadata);
    }

    [Fact]
    public async Task An_etag_conflict_throws_DaprStateConcurrencyException_and_TrySaveStateAsync_returns_false()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(
            DaprResponses.Error(409, "ERR_STATE_SAVE", EtagMismatch),
            DaprResponses.Error(409, "ERR_STATE_SAVE", EtagMismatch),
            DaprResponses.NoContent());
        using var client = sidecar.CreateClient();

        var conflict = await Assert.ThrowsAsync<DaprStateConcurrencyException>(() =>
            client.SaveStateAsync("statestore", "k", 1, etag: "1", cancellationToken: Ct));
        var lost = await client.TrySaveStateAsync("statestore", "k", 1, "1", cancellationToken: Ct);
        var won = await client.TrySaveStateAsync("statestore", "k", 1, "2", cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("ERR_STATE_SAVE", conflict.ErrorCode);
        Assert.Equal("statestore", conflict.StoreName);
        Assert.Equal("k", conflict.Key);
        Assert.False(lost);
        Assert.True(won);
    }

    [Fact]
    public async Task Callers_can_catch_the_concurrency_exception_and_retry_with_a_fresh_etag()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(
            DaprResponses.Json(200, "1", ("ETag", "1")),
            DaprResponses.Error(409, "ERR_STATE_SAVE", EtagMismatch),
            DaprResponses.Json(200, "5", ("ETag", "2")),
            DaprResponses.NoContent());
        using var client = sidecar.CreateClient();

        for (var attempt = 0; ; attempt++)
        {
            var entry = await client.GetStateEntryAsync<int>("statestore", "counter", cancellationToken: Ct);
            try
            {
                await client.SaveStateAsync("statestore", "counter", entry.Value + 1, entry.ETag!, cancellationToken: Ct);
                break;
            }
            catch (DaprStateConcurrencyException) when (attempt < 3)
            {
            }
        }

        var saves = sidecar.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal(2, saves.Count);
        JsonAssert.Equal("""[{"key":"counter","value":6,"etag":"2"}]""", saves[1].BodyText);
    }

    [Fact]
    public async Task An_etag_mismatch_message_is_a_concurrency_conflict_even_without_409()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Error(500, "ERR_STATE_TRANSACTION", "error while executing state transaction: possible etag mismatch. error from state store: x"));
        using var client = sidecar.CreateClient();

        var conflict = await Assert.ThrowsAsync<DaprStateConcurrencyException>(() => client.ExecuteStateTransactionAsync(
            "statestore", [StateTransactionRequest.Upsert("a", 1, etag: "9")], cancellationToken: Ct));

        Assert.Null(conflict.Key);
        Assert.Equal(HttpStatusCode.InternalServerError, conflict.StatusCode);
    }

    [Fact]
    public async Task Other_state_errors_are_plain_DaprApiExceptions_with_daprd_code_and_status()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Error(400, "ERR_STATE_STORE_NOT_FOUND", "state store nostore is not found"));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprApiException>(() => client.SaveStateAsync("nostore", "k", 1, cancellationToken: Ct));

        Assert.IsNotType<DaprStateConcurrencyException>(error);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", error.ErrorCode);
        Assert.Equal("state store nostore is not found", error.Message);
    }

    [Fact]
    public async Task DeleteStateAsync_sends_etag_as_If_Match_and_options_and_metadata_as_query()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.DeleteStateAsync(
            "statestore",
            "order-1",
            "4",
            new StateOptions { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Eventual },
            new Dictionary<string, string> { ["partitionKey"] = "p" },
            Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/v1.0/state/statestore/order-1?concurrency=first-write&consistency=eventual&metadata.partitionKey=p", request.RawTarget);
        Assert.Equal("4", request.Header("If-Match"));
    }

    [Fact]
    public async Task DeleteStateAsync_without_etag_sends_no_If_Match_and_TryDeleteStateAsync_reports_conflicts()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(
            DaprResponses.NoContent(),
            DaprResponses.Error(409, "ERR_STATE_DELETE", "failed deleting state with key k: possible etag mismatch. error from state store: x"));
        using var client = sidecar.CreateClient();

        await client.DeleteStateAsync("statestore", "k", cancellationToken: Ct);
        var deleted = await client.TryDeleteStateAsync("statestore", "k", "8", cancellationToken: Ct);

        Assert.False(deleted);
        Assert.Null(sidecar.Requests[0].Header("If-Match"));
        Assert.Equal("/v1.0/state/statestore/k", sidecar.Requests[0].RawTarget);
        Assert.Equal("8", sidecar.Requests[1].Header("If-Match"));
    }

    [Fact]
    public async Task GetBulkStateAsync_posts_keys_and_parallelism_and_reads_data_items()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(200, """
            [{"key":"a","data":{"id":"a","quantity":1},"etag":"1","metadata":{"ttlExpireTime":"x"}},
             {"key":"b"},
             {"key":"c","error":"boom"}]
            """));
        using var client = sidecar.CreateClient();

        var items = await client.GetBulkStateAsync<Order>("statestore", ["a", "b", "c"], parallelism: 2, cancellationToken: Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/state/statestore/bulk", request.RawTarget);
        JsonAssert.Equal("""{"keys":["a","b","c"],"parallelism":2}""", request.BodyText);
        Assert.Equal(3, items.Count);
        Assert.Equal(new Order("a", 1), items[0].Value);
        Assert.Equal("1", items[0].ETag);
        Assert.Equal("x", items[0].Metadata["ttlExpireTime"]);
        Assert.Equal("b", items[1].Key);
        Assert.Null(items[1].Value);
        Assert.Null(items[1].ETag);
        Assert.Equal("boom", items[2].Error);
    }

    [Fact]
    public async Task ExecuteStateTransactionAsync_posts_operations_in_daprd_shape()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.ExecuteStateTransactionAsync(
            "statestore",
            [
                StateTransactionRequest.Upsert("order-1", new Order("o-1", 1), etag: "2", metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "30" },
                    options: new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }),
                StateTransactionRequest.Delete("order-0"),
            ],
            new Dictionary<string, string> { ["partitionKey"] = "p" },
            Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/state/statestore/transaction", request.RawTarget);
        JsonAssert.Equal("""
            {"operations":[
              {"operation":"upsert","request":{"key":"order-1","value":{"id":"o-1","quantity":1},"etag":"2","metadata":{"ttlInSeconds":"30"},"options":{"concurrency":"first-write"}}},
              {"operation":"delete","request":{"key":"order-0"}}],
             "metadata":{"partitionKey":"p"}}
            """, request.BodyText);
    }
}
