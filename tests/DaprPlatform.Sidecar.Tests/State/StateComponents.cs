using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>Creates state store components in-process, as the sidecar's ComponentRegistry would.</summary>
internal static class StateComponents
{
    private static readonly IServiceProvider Services = new ServiceCollection()
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .BuildServiceProvider();

    public static ComponentContext Context(string type, IReadOnlyDictionary<string, string> metadata, string version = "v1", string name = "statestore", string appId = "state-tests")
    {
        var resource = new ComponentResource(
            name, null, type, version, TimeSpan.FromSeconds(5), false,
            metadata.Select(m => new MetadataItem(m.Key, m.Value, null, null)).ToList(), null, [], $"{name}.yaml");
        return new ComponentContext(resource, new ComponentMetadata(metadata, resource.SourceFile), new SidecarOptions { AppId = appId }, Services);
    }

    public static async Task<T> CreateAsync<T>(ComponentFactory factory, string type, IReadOnlyDictionary<string, string> metadata, string version = "v1")
        where T : IStateStore =>
        (T)await factory(Context(type, metadata, version), TestContext.Current.CancellationToken);

    public static StateSetRequest Set(
        string key,
        string json,
        string? etag = null,
        StateConcurrency concurrency = StateConcurrency.LastWrite,
        int? ttl = null) =>
        new(key, System.Text.Encoding.UTF8.GetBytes(json), etag, concurrency, StateConsistency.Eventual, ttl, new Dictionary<string, string>(), "application/json");

    public static StateSetRequest SetBytes(string key, byte[] value, string? etag = null) =>
        new(key, value, etag, StateConcurrency.LastWrite, StateConsistency.Eventual, null, new Dictionary<string, string>());

    public static StateDeleteRequest Delete(string key, string? etag = null) =>
        new(key, etag, StateConcurrency.LastWrite, StateConsistency.Eventual, new Dictionary<string, string>());

    public static string Text(StateEntry? entry) =>
        entry is null ? throw new Xunit.Sdk.XunitException("expected a stored value, found none") : System.Text.Encoding.UTF8.GetString(entry.Data.Span);

    /// <summary>state.postgresql v1 and v2 page KeysLike the same way: row_id order, the last row_id as token.</summary>
    public static async Task AssertKeysLikePagesInRowIdOrderAsync<TStore>(TStore store, string prefix)
        where TStore : IStateStore, IKeysLiker
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var name in new[] { "c", "a", "b" })
        {
            await store.SetAsync(Set($"{prefix}||{name}", "1"), ct);
        }

        var first = await store.KeysLikeAsync(new KeysLikeRequest($"{prefix}||%", null, 2), ct);
        var second = await store.KeysLikeAsync(new KeysLikeRequest($"{prefix}||%", first.ContinuationToken, 2), ct);
        var invalid = await Assert.ThrowsAsync<InvalidContinuationTokenException>(
            () => store.KeysLikeAsync(new KeysLikeRequest($"{prefix}||%", "x", 2), ct));

        Assert.Equal([$"{prefix}||c", $"{prefix}||a"], first.Keys);
        Assert.NotNull(first.ContinuationToken);
        Assert.Equal([$"{prefix}||b"], second.Keys);
        Assert.Null(second.ContinuationToken);
        Assert.StartsWith("invalid continue token", invalid.Message, StringComparison.Ordinal);
    }
}
