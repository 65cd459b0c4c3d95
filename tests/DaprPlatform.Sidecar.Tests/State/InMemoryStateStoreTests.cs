using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Components.State.InMemory;
using Xunit;
using static DaprPlatform.Sidecar.Tests.State.StateComponents;

namespace DaprPlatform.Sidecar.Tests.State;

public sealed class InMemoryStateStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_like_pages_in_write_order_with_the_next_writes_index_as_token()
    {
        await using var store = new InMemoryStateStore(TimeProvider.System);
        foreach (var key in new[] { "p||c", "p||a", "other||a", "p||b" })
        {
            await store.SetAsync(Set(key, "1"), Ct);
        }

        // A rewrite takes a new write index, so the key moves to the end as in components-contrib.
        await store.SetAsync(Set("p||c", "2"), Ct);

        var first = await store.KeysLikeAsync(new KeysLikeRequest("p||%", null, 2), Ct);
        var second = await store.KeysLikeAsync(new KeysLikeRequest("p||%", first.ContinuationToken, 2), Ct);
        var all = await store.KeysLikeAsync(new KeysLikeRequest("p||%", null, null), Ct);

        Assert.Equal(["p||a", "p||b"], first.Keys);
        Assert.Equal("4", first.ContinuationToken);
        Assert.Equal(["p||c"], second.Keys);
        Assert.Null(second.ContinuationToken);
        Assert.Equal(["p||a", "p||b", "p||c"], all.Keys);
        Assert.Null(all.ContinuationToken);
    }

    [Fact]
    public async Task Keys_like_refuses_a_token_it_did_not_issue_with_contribs_message()
    {
        await using var store = new InMemoryStateStore(TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidContinuationTokenException>(
            () => store.KeysLikeAsync(new KeysLikeRequest("%", "next", 10), Ct));

        Assert.Equal("invalid continue token: strconv.ParseUint: parsing \"next\": invalid syntax", error.Message);
    }
}
