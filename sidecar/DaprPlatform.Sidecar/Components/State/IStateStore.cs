namespace DaprPlatform.Sidecar.Components.State;

/// <summary>
/// A state store component. Keys arrive already prefixed by the runtime (<c>appid||key</c>, see
/// <see cref="StateKeys"/>); values are the bytes daprd would hand its component (JSON text, or raw bytes).
/// Etag conflicts are reported by throwing <see cref="StateETagMismatchException"/> / <see cref="StateETagInvalidException"/>.
/// </summary>
public interface IStateStore : IAsyncDisposable
{
    StateStoreFeatures Features { get; }

    Task<StateEntry?> GetAsync(string key, StateReadOptions options, CancellationToken cancellationToken);

    /// <returns>The new etag.</returns>
    Task<string?> SetAsync(StateSetRequest request, CancellationToken cancellationToken);

    Task DeleteAsync(StateDeleteRequest request, CancellationToken cancellationToken);

    /// <summary>Applies all operations atomically; only called when <see cref="StateStoreFeatures.Transactional"/> is set.</summary>
    Task TransactAsync(IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Reads many keys; stores with a native multi-get override the default of parallel single gets.</summary>
    async Task<IReadOnlyList<BulkStateEntry>> BulkGetAsync(IReadOnlyList<string> keys, StateReadOptions options, int parallelism, CancellationToken cancellationToken)
    {
        var results = new BulkStateEntry[keys.Count];
        await Parallel.ForAsync(0, keys.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                var entry = await GetAsync(keys[i], options, ct);
                results[i] = new BulkStateEntry(keys[i], entry, null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results[i] = new BulkStateEntry(keys[i], null, e.Message);
            }
        });
        return results;
    }
}

[Flags]
public enum StateStoreFeatures
{
    None = 0,
    ETag = 1,
    Transactional = 2,
    Ttl = 4,
    Query = 8,
    /// <summary>Usable as the actor (and so workflow) state store; daprd lists it as "ACTOR".</summary>
    Actor = 16,
}

public enum StateConcurrency
{
    LastWrite,
    FirstWrite,
}

public enum StateConsistency
{
    Eventual,
    Strong,
}

public sealed record StateReadOptions(StateConsistency Consistency, IReadOnlyDictionary<string, string> Metadata)
{
    public static StateReadOptions Default { get; } = new(StateConsistency.Eventual, new Dictionary<string, string>());
}

/// <param name="Metadata">Response metadata, e.g. <c>ttlExpireTime</c> (RFC 3339), surfaced as <c>metadata.*</c> headers.</param>
public sealed record StateEntry(ReadOnlyMemory<byte> Data, string? ETag, IReadOnlyDictionary<string, string>? Metadata = null);

public sealed record BulkStateEntry(string Key, StateEntry? Entry, string? Error);

/// <param name="TtlSeconds">From metadata <c>ttlInSeconds</c>: null = store default, -1 = never expire.</param>
/// <param name="ContentType">
/// What <see cref="Value"/> is, as daprd hands values to its components: <c>application/json</c> when daprd decoded it
/// as JSON (always over HTTP; over gRPC when metadata <c>contentType</c> is application/json), anything else (or null)
/// for opaque bytes. Stores that keep JSON and bytes apart (state.postgresql v1: jsonb vs base64 + isbinary) use it.
/// </param>
public sealed record StateSetRequest(
    string Key,
    ReadOnlyMemory<byte> Value,
    string? ETag,
    StateConcurrency Concurrency,
    StateConsistency Consistency,
    int? TtlSeconds,
    IReadOnlyDictionary<string, string> Metadata,
    string? ContentType = null);

public sealed record StateDeleteRequest(
    string Key,
    string? ETag,
    StateConcurrency Concurrency,
    StateConsistency Consistency,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>One operation of a transaction: exactly one of <see cref="Set"/> and <see cref="Delete"/> is set.</summary>
public sealed record StateOperation(StateSetRequest? Set, StateDeleteRequest? Delete)
{
    public string Key => Set?.Key ?? Delete!.Key;
}

/// <summary>The etag did not match the stored one (daprd: 409).</summary>
public sealed class StateETagMismatchException(string? detail = null) : Exception("possible etag mismatch. error from state store: " + (detail ?? "etag mismatch")), Runtime.Resiliency.IPermanentFailure;

/// <summary>The etag is not in the store's format (daprd: 400).</summary>
public sealed class StateETagInvalidException(string etag)
    : Exception($"invalid etag value: {etag}"), Runtime.Resiliency.IPermanentFailure;
