using DaprPlatform.Sdk.Tests.Client;

namespace DaprPlatform.Sdk.Tests.Integration;

/// <summary>The SDK's state API against a real sidecar, on state.redis (a real Redis) and state.in-memory.</summary>
public sealed class StateIntegrationTests(SidecarClientFixture fixture) : IClassFixture<SidecarClientFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };

    private DaprClient Client => fixture.Client;

    private static string Key(string name) => $"{name}-{Guid.NewGuid():N}";

    [Theory]
    [InlineData(IntegrationComponents.RedisStore)]
    [InlineData(IntegrationComponents.MemoryStore)]
    public async Task Saved_values_read_back_with_an_etag_and_missing_keys_read_as_absent(string store)
    {
        var key = Key("order");
        await Client.SaveStateAsync(store, key, new Order("o-1", 3), cancellationToken: Ct);

        var entry = await Client.GetStateEntryAsync<Order>(store, key, cancellationToken: Ct);
        Assert.Equal(new Order("o-1", 3), entry.Value);
        Assert.False(string.IsNullOrEmpty(entry.ETag));

        var missing = await Client.GetStateEntryAsync<Order>(store, Key("missing"), cancellationToken: Ct);
        Assert.False(missing.Exists);
        Assert.Null(await Client.GetStateAsync<Order>(store, Key("missing"), cancellationToken: Ct));
    }

    [Theory]
    [InlineData(IntegrationComponents.RedisStore)]
    [InlineData(IntegrationComponents.MemoryStore)]
    public async Task ETags_guard_saves_and_deletes(string store)
    {
        var key = Key("guarded");
        await Client.SaveStateAsync(store, key, new Order("v", 1), cancellationToken: Ct);
        var first = (await Client.GetStateEntryAsync<Order>(store, key, cancellationToken: Ct)).ETag!;

        Assert.True(await Client.TrySaveStateAsync(store, key, new Order("v", 2), first, FirstWrite, cancellationToken: Ct));
        Assert.False(await Client.TrySaveStateAsync(store, key, new Order("v", 3), first, FirstWrite, cancellationToken: Ct));
        var conflict = await Assert.ThrowsAsync<DaprStateConcurrencyException>(
            () => Client.SaveStateAsync(store, key, new Order("v", 4), first, FirstWrite, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("ERR_STATE_SAVE", conflict.ErrorCode);
        Assert.Equal(new Order("v", 2), await Client.GetStateAsync<Order>(store, key, cancellationToken: Ct));

        Assert.False(await Client.TryDeleteStateAsync(store, key, first, cancellationToken: Ct));
        var current = (await Client.GetStateEntryAsync<Order>(store, key, cancellationToken: Ct)).ETag!;
        Assert.True(await Client.TryDeleteStateAsync(store, key, current, cancellationToken: Ct));
        Assert.Null(await Client.GetStateAsync<Order>(store, key, cancellationToken: Ct));
    }

    [Theory]
    [InlineData(IntegrationComponents.RedisStore)]
    [InlineData(IntegrationComponents.MemoryStore)]
    public async Task Bulk_get_returns_each_key_with_its_etag(string store)
    {
        var (a, b, missing) = (Key("a"), Key("b"), Key("missing"));
        await Client.SaveStateAsync(store, a, new Order("a", 1), cancellationToken: Ct);
        await Client.SaveStateAsync(store, b, new Order("b", 2), cancellationToken: Ct);

        var items = (await Client.GetBulkStateAsync<Order>(store, [a, b, missing], cancellationToken: Ct)).ToDictionary(i => i.Key);

        Assert.Equal(new Order("a", 1), items[a].Value);
        Assert.Equal(new Order("b", 2), items[b].Value);
        Assert.NotNull(items[a].ETag);
        Assert.Null(items[missing].Value);
        Assert.Null(items[missing].ETag);
    }

    [Theory]
    [InlineData(IntegrationComponents.RedisStore)]
    [InlineData(IntegrationComponents.MemoryStore)]
    public async Task Transactions_apply_together_or_not_at_all(string store)
    {
        var (kept, added, removed) = (Key("kept"), Key("added"), Key("removed"));
        await Client.SaveStateAsync(store, kept, new Order("kept", 1), cancellationToken: Ct);
        await Client.SaveStateAsync(store, removed, new Order("removed", 1), cancellationToken: Ct);

        await Client.ExecuteStateTransactionAsync(store, [
            StateTransactionRequest.Upsert(added, new Order("added", 5)),
            StateTransactionRequest.Delete(removed),
        ], cancellationToken: Ct);
        Assert.Equal(new Order("added", 5), await Client.GetStateAsync<Order>(store, added, cancellationToken: Ct));
        Assert.Null(await Client.GetStateAsync<Order>(store, removed, cancellationToken: Ct));

        var stale = (await Client.GetStateEntryAsync<Order>(store, kept, cancellationToken: Ct)).ETag!;
        await Client.SaveStateAsync(store, kept, new Order("kept", 2), cancellationToken: Ct);
        var sideEffect = Key("side-effect");
        var failure = await Assert.ThrowsAsync<DaprStateConcurrencyException>(() => Client.ExecuteStateTransactionAsync(store, [
            StateTransactionRequest.Upsert(sideEffect, new Order("never", 1)),
            StateTransactionRequest.Upsert(kept, new Order("kept", 3), etag: stale),
        ], cancellationToken: Ct));
        Assert.Equal("ERR_STATE_TRANSACTION", failure.ErrorCode);
        Assert.Equal(new Order("kept", 2), await Client.GetStateAsync<Order>(store, kept, cancellationToken: Ct));
        Assert.Null(await Client.GetStateAsync<Order>(store, sideEffect, cancellationToken: Ct));
    }

    [Theory]
    [InlineData(IntegrationComponents.RedisStore)]
    [InlineData(IntegrationComponents.MemoryStore)]
    public async Task TtlInSeconds_metadata_expires_the_value(string store)
    {
        var key = Key("ttl");
        await Client.SaveStateAsync(store, key, new Order("brief", 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "1" }, cancellationToken: Ct);
        Assert.NotNull(await Client.GetStateAsync<Order>(store, key, cancellationToken: Ct));

        var expired = await Eventually.ReturnsAsync(
            async () => await Client.GetStateAsync<Order>(store, key, cancellationToken: Ct) is null, TimeSpan.FromSeconds(6));
        Assert.True(expired);
    }

    [Fact]
    public async Task An_unknown_store_is_a_DaprApiException_with_daprds_code()
    {
        var error = await Assert.ThrowsAsync<DaprApiException>(() => Client.GetStateAsync<Order>("no-such-store", "k", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", error.ErrorCode);
    }
}
