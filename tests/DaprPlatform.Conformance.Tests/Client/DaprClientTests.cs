using Dapr;
using Grpc.Core;
using static DaprPlatform.Conformance.Tests.Infrastructure.GrpcApiSidecar;

namespace DaprPlatform.Conformance.Tests.Client;

/// <summary>
/// The gRPC runtime API (dapr.proto.runtime.v1.Dapr) through the official Dapr.Client, which uses gRPC for state,
/// secrets, metadata and publishing: what an app on the .NET SDK gets, with daprd's status codes.
/// </summary>
public sealed class DaprClientTests(GrpcApiSidecar fixture) : IClassFixture<GrpcApiSidecar>
{
    private DaprClient Client => fixture.Client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string NewKey() => fixture.Infra.UniqueName("key");

    public sealed record Order(string Id, int Quantity, decimal Price);

    [Theory]
    [InlineData(Redis)]
    [InlineData(InMemory)]
    public async Task Save_state_then_get_state_round_trips_a_typed_value(string store)
    {
        var key = NewKey();
        await Client.SaveStateAsync(store, key, new Order("o-1", 3, 9.5m), cancellationToken: Ct);

        var read = await Client.GetStateAsync<Order>(store, key, cancellationToken: Ct);

        Assert.Equal(new Order("o-1", 3, 9.5m), read);
    }

    [Fact]
    public async Task Save_state_on_redis_stores_the_value_under_the_app_id_prefix_as_daprd_does()
    {
        var key = NewKey();
        await Client.SaveStateAsync(Redis, key, new Order("o-2", 1, 1m), cancellationToken: Ct);

        var data = (string?)await fixture.RawRedis.HashGetAsync($"{fixture.AppId}||{key}", "data");

        Assert.Equal("""{"id":"o-2","quantity":1,"price":1}""", data);
    }

    [Fact]
    public async Task Get_state_of_a_missing_key_returns_default()
    {
        Assert.Null(await Client.GetStateAsync<Order>(Redis, NewKey(), cancellationToken: Ct));
    }

    [Theory]
    [InlineData(Redis)]
    [InlineData(InMemory)]
    public async Task Try_save_state_is_false_for_a_stale_etag_and_true_for_the_current_one(string store)
    {
        var key = NewKey();
        await Client.SaveStateAsync(store, key, new Order("o", 1, 1m), cancellationToken: Ct);
        var (_, etag) = await Client.GetStateAndETagAsync<Order>(store, key, cancellationToken: Ct);
        await Client.SaveStateAsync(store, key, new Order("o", 2, 1m), cancellationToken: Ct);

        Assert.False(await Client.TrySaveStateAsync(store, key, new Order("o", 3, 1m), etag, cancellationToken: Ct));
        var (current, currentEtag) = await Client.GetStateAndETagAsync<Order>(store, key, cancellationToken: Ct);
        Assert.Equal(2, current.Quantity);
        Assert.True(await Client.TrySaveStateAsync(store, key, new Order("o", 4, 1m), currentEtag, cancellationToken: Ct));
        Assert.Equal(4, (await Client.GetStateAsync<Order>(store, key, cancellationToken: Ct)).Quantity);
    }

    [Fact]
    public async Task Try_delete_state_is_false_for_a_stale_etag()
    {
        var key = NewKey();
        await Client.SaveStateAsync(Redis, key, "v1", cancellationToken: Ct);
        var (_, etag) = await Client.GetStateAndETagAsync<string>(Redis, key, cancellationToken: Ct);
        await Client.SaveStateAsync(Redis, key, "v2", cancellationToken: Ct);

        Assert.False(await Client.TryDeleteStateAsync(Redis, key, etag, cancellationToken: Ct));
        Assert.Equal("v2", await Client.GetStateAsync<string>(Redis, key, cancellationToken: Ct));
    }

    [Fact]
    public async Task Bulk_state_gets_every_key_in_order_and_deletes_them_all()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => NewKey()).ToList();
        foreach (var key in keys)
        {
            await Client.SaveStateAsync(Redis, key, key.ToUpperInvariant(), cancellationToken: Ct);
        }

        var items = await Client.GetBulkStateAsync<string>(Redis, [.. keys, "never-saved"], parallelism: 2, cancellationToken: Ct);
        Assert.Equal([.. keys, "never-saved"], items.Select(i => i.Key).OrderBy(k => k == "never-saved").ThenBy(k => keys.IndexOf(k)));
        Assert.All(items.Where(i => i.Key != "never-saved"), i => Assert.Equal(i.Key.ToUpperInvariant(), i.Value));

        await Client.DeleteBulkStateAsync(Redis, keys.Select(k => new BulkDeleteStateItem(k, null!)).ToList(), Ct);
        Assert.All(await Client.GetBulkStateAsync<string>(Redis, keys, parallelism: 0, cancellationToken: Ct), i => Assert.Null(i.Value));
    }

    [Fact]
    public async Task Execute_state_transaction_applies_upserts_and_deletes_together()
    {
        var (kept, removed) = (NewKey(), NewKey());
        await Client.SaveStateAsync(Redis, removed, "old", cancellationToken: Ct);

        await Client.ExecuteStateTransactionAsync(Redis,
        [
            new StateTransactionRequest(kept, System.Text.Encoding.UTF8.GetBytes("\"new\""), StateOperationType.Upsert),
            new StateTransactionRequest(removed, [], StateOperationType.Delete),
        ], cancellationToken: Ct);

        Assert.Equal("new", await Client.GetStateAsync<string>(Redis, kept, cancellationToken: Ct));
        Assert.Null(await Client.GetStateAsync<string>(Redis, removed, cancellationToken: Ct));
    }

    [Fact]
    public async Task Save_state_with_ttl_in_seconds_expires_on_redis()
    {
        var key = NewKey();
        await Client.SaveStateAsync(Redis, key, "short-lived", metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "1" }, cancellationToken: Ct);

        Assert.InRange(await fixture.RawRedis.KeyTimeToLiveAsync($"{fixture.AppId}||{key}") ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
        Assert.Null(await Client.GetStateAsync<string>(Redis, key, cancellationToken: Ct));
    }

    [Fact]
    public async Task State_on_an_unknown_store_is_invalid_argument_with_daprds_message()
    {
        var error = await Assert.ThrowsAsync<DaprException>(() => Client.GetStateAsync<string>("no-such-store", "k", cancellationToken: Ct));

        var status = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal("state store no-such-store is not found", status.Status.Detail);
    }

    [Fact]
    public async Task State_with_a_key_holding_the_delimiter_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<DaprException>(() => Client.SaveStateAsync(Redis, "a||b", "v", cancellationToken: Ct));

        var status = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal("input key/keyPrefix 'a||b' can't contain '||'", status.Status.Detail);
    }

    [Fact]
    public async Task Get_secret_returns_an_allowed_secret_and_denies_a_scoped_one_with_permission_denied()
    {
        var secret = await Client.GetSecretAsync(Secrets, "apiKey", cancellationToken: Ct);
        Assert.Equal("k-123", secret["apiKey"]);

        var error = await Assert.ThrowsAsync<DaprException>(() => Client.GetSecretAsync(Secrets, "dbPassword", cancellationToken: Ct));
        var status = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Equal("access denied by policy to get \"dbPassword\" from \"secretstore\"", status.Status.Detail);
    }

    [Fact]
    public async Task Get_bulk_secret_leaves_out_what_the_scopes_deny()
    {
        var secrets = await Client.GetBulkSecretAsync(Secrets, cancellationToken: Ct);

        Assert.Equal("k-123", secrets["apiKey"]["apiKey"]);
        Assert.False(secrets.ContainsKey("dbPassword"));
    }

    [Fact]
    public async Task Get_metadata_names_the_app_and_its_components()
    {
        var metadata = await Client.GetMetadataAsync(Ct);

        Assert.Equal(fixture.AppId, metadata.Id);
        Assert.Contains(metadata.Components, c => c.Name == Redis && c.Type == "state.redis" && c.Capabilities.Contains("TRANSACTIONAL"));
        Assert.Contains(metadata.Components, c => c.Name == PubSubName && c.Type == "pubsub.in-memory");
    }

    [Fact]
    public async Task Set_metadata_is_reported_by_get_metadata()
    {
        await Client.SetMetadataAsync("team", "orders", Ct);

        Assert.Equal("orders", (await Client.GetMetadataAsync(Ct)).Extended["team"]);
    }

    [Fact]
    public async Task Publish_event_to_a_configured_pub_sub_succeeds_and_to_an_unknown_one_is_invalid_argument()
    {
        await Client.PublishEventAsync(PubSubName, "orders", new Order("o-9", 1, 2m), Ct);

        var error = await Assert.ThrowsAsync<DaprException>(() => Client.PublishEventAsync("no-such-pubsub", "orders", new Order("o", 1, 1m), Ct));
        var status = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
        Assert.Equal("pubsub no-such-pubsub is not found", status.Status.Detail);
    }

    [Fact]
    public async Task Bulk_publish_event_publishes_every_entry()
    {
        var response = await Client.BulkPublishEventAsync(PubSubName, "orders", [new Order("a", 1, 1m), new Order("b", 2, 2m)], cancellationToken: Ct);

        Assert.Empty(response.FailedEntries);
    }

    [Fact]
    public async Task Health_checks_and_wait_for_sidecar_see_a_healthy_sidecar()
    {
        await Client.WaitForSidecarAsync(Ct);

        Assert.True(await Client.CheckHealthAsync(Ct));
        Assert.True(await Client.CheckOutboundHealthAsync(Ct));
    }

    [Fact]
    public async Task Calls_without_the_api_token_are_unauthenticated()
    {
        using var anonymous = fixture.NewClient(apiToken: null);

        var error = await Assert.ThrowsAsync<DaprException>(() => anonymous.GetStateAsync<string>(Redis, "k", cancellationToken: Ct));

        var status = Assert.IsType<RpcException>(error.InnerException);
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
    }
}
