namespace DaprPlatform.Sidecar.Components.State.InMemory;

/// <summary>
/// state.in-memory as components-contrib has it: etag = a new UUID per write, first-write, TTL via
/// <c>ttlInSeconds</c> (reported back as <c>ttlExpireTime</c>), transactions. Lost when the sidecar stops.
/// </summary>
public sealed class InMemoryStateStore(TimeProvider time) : IStateStore, IKeysLiker
{
    private readonly Dictionary<string, Item> _items = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // Every write takes the next number: KeysLike lists in write order and its token is the number to resume at.
    private ulong _writeIndex;

    public StateStoreFeatures Features => StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.Ttl | StateStoreFeatures.Actor;

    public Task<StateEntry?> GetAsync(string key, StateReadOptions options, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!TryGetLive(key, out var item))
            {
                return Task.FromResult<StateEntry?>(null);
            }

            IReadOnlyDictionary<string, string>? metadata = item.ExpiresAt is { } exp
                ? new Dictionary<string, string> { ["ttlExpireTime"] = exp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) }
                : null;
            return Task.FromResult<StateEntry?>(new StateEntry(item.Data, item.ETag, metadata));
        }
    }

    public Task<string?> SetAsync(StateSetRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<string?>(Apply(request));
        }
    }

    public Task DeleteAsync(StateDeleteRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Apply(request);
        }

        return Task.CompletedTask;
    }

    public Task TransactAsync(IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Check every etag before changing anything, so a failed transaction leaves no partial writes.
            foreach (var op in operations)
            {
                if (op.Set is { } set)
                {
                    CheckWrite(set.Key, set.ETag, set.Concurrency);
                }
                else
                {
                    CheckDelete(op.Delete!.Key, op.Delete.ETag);
                }
            }

            foreach (var op in operations)
            {
                if (op.Set is { } set)
                {
                    Apply(set);
                }
                else
                {
                    Apply(op.Delete!);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<KeysLikePage> KeysLikeAsync(KeysLikeRequest request, CancellationToken cancellationToken)
    {
        var regex = LikePattern.ToRegex(request.Pattern);
        ulong? resumeAt = null;
        if (request.ContinuationToken is { } token)
        {
            resumeAt = ulong.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new InvalidContinuationTokenException(token);
        }

        List<(string Key, ulong Index)> matches;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            matches = [.. _items
                .Where(item => (item.Value.ExpiresAt is not { } exp || exp > now) && regex.IsMatch(item.Key) && item.Value.WriteIndex >= (resumeAt ?? 0))
                .Select(item => (item.Key, Index: item.Value.WriteIndex))
                .OrderBy(match => match.Index)];
        }

        string? next = null;
        if (request.PageSize is > 0 and var pageSize && matches.Count > pageSize)
        {
            next = matches[(int)pageSize].Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            matches.RemoveRange((int)pageSize, matches.Count - (int)pageSize);
        }

        return Task.FromResult(new KeysLikePage([.. matches.Select(match => match.Key)], next));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Apply(StateSetRequest request)
    {
        CheckWrite(request.Key, request.ETag, request.Concurrency);
        var etag = Guid.NewGuid().ToString();
        DateTimeOffset? expires = request.TtlSeconds is > 0 ? time.GetUtcNow().AddSeconds(request.TtlSeconds.Value) : null;
        _items[request.Key] = new Item(request.Value.ToArray(), etag, expires, _writeIndex++);
        return etag;
    }

    private void Apply(StateDeleteRequest request)
    {
        CheckDelete(request.Key, request.ETag);
        _items.Remove(request.Key);
    }

    private void CheckWrite(string key, string? etag, StateConcurrency concurrency)
    {
        var exists = TryGetLive(key, out var current);
        if (!string.IsNullOrEmpty(etag))
        {
            if (current is null || current.ETag != etag)
            {
                throw new StateETagMismatchException();
            }
        }
        else if (concurrency == StateConcurrency.FirstWrite && exists)
        {
            throw new StateETagMismatchException("first-write: the key already exists");
        }
    }

    private void CheckDelete(string key, string? etag)
    {
        if (!string.IsNullOrEmpty(etag) && (!TryGetLive(key, out var current) || current.ETag != etag))
        {
            throw new StateETagMismatchException();
        }
    }

    private bool TryGetLive(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Item? item)
    {
        if (_items.TryGetValue(key, out item))
        {
            if (item.ExpiresAt is not { } exp || exp > time.GetUtcNow())
            {
                return true;
            }

            _items.Remove(key);
        }

        item = null;
        return false;
    }

    private sealed record Item(byte[] Data, string ETag, DateTimeOffset? ExpiresAt, ulong WriteIndex);
}
