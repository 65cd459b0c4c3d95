using System.Globalization;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace DaprPlatform.Sidecar.Components.State.Redis;

/// <summary>
/// state.redis, storing exactly what daprd's component stores (components-contrib state/redis): a HASH per key with
/// <c>data</c> and <c>version</c> (the etag, "1" after the first write) and <c>first-write</c> = 0 after a first-write
/// save, so daprd and this sidecar can read each other's data. Writes and deletes are atomic Lua scripts; a key
/// holding a plain string (older clients) is read with GET. Like daprd, reads report no <c>ttlExpireTime</c>.
/// Unlike daprd, whose MULTI has no rollback, a transaction is one script that checks every operation before it
/// applies any, so an etag conflict leaves nothing written.
/// </summary>
public sealed class RedisStateStore : IStateStore, IKeysLiker
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly RedisStateSettings _settings;
    private readonly int _replicas;

    private RedisStateStore(ConnectionMultiplexer connection, RedisStateSettings settings, int replicas)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _settings = settings;
        _replicas = replicas;
    }

    public StateStoreFeatures Features => StateStoreFeatures.ETag | StateStoreFeatures.Transactional | StateStoreFeatures.Ttl | StateStoreFeatures.Actor;

    public static async Task<IAsyncDisposable> CreateAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        var settings = RedisStateSettings.Parse(context.Metadata, ClientName(context.Options.AppId));
        var host = context.Metadata.GetString("redisHost");
        var (connection, replicas) = await ConnectAsync(settings, host, cancellationToken);
        return new RedisStateStore(connection, settings, replicas);
    }

    /// <summary>
    /// Connects. StackExchange.Redis 1.2.6 made a single attempt, and one such attempt to a healthy loopback server once
    /// outlasted the whole 5 s init timeout (a fresh-machine test run), so a hedged second attempt used to start beside
    /// a first still going after 1 s. The current client makes up to ConnectRetry attempts of ConnectTimeout each
    /// (<see cref="RedisStateSettings"/>), and with it no connect to a healthy server took longer than 0.26 s in
    /// 17,400 connects (up to 32 at once, the CPU saturated) nor in 15 runs of the Redis tests without the hedge; the
    /// hedge went with the old client. Init_starts_a_second_connect_attempt_when_the_first_hangs checks the retry.
    /// </summary>
    private static async Task<(ConnectionMultiplexer Connection, int Replicas)> ConnectAsync(
        RedisStateSettings settings, string? host, CancellationToken cancellationToken)
    {
        ConnectionMultiplexer connection;
        var connecting = ConnectionMultiplexer.ConnectAsync(settings.Options.Clone());
        try
        {
            connection = await connecting.WaitAsync(cancellationToken);
        }
        catch (RedisConnectionException e)
        {
            throw new InvalidOperationException($"redis store: error connecting to redis at {host}: {e.Message}", e);
        }
        catch (OperationCanceledException)
        {
            // Init was given up (its timeout, or shutdown): close the connection whenever the client finishes with it.
            _ = connecting.ContinueWith(
                static t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result.Dispose();
                    }
                    else
                    {
                        _ = t.Exception;
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }

        try
        {
            var replicas = CountReplicasAsync(connection.GetDatabase());
            return (connection, await (settings.OperationTimeout is { } timeout ? replicas.WaitAsync(timeout) : replicas));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public async Task<StateEntry?> GetAsync(string key, StateReadOptions options, CancellationToken cancellationToken)
    {
        HashEntry[] fields;
        try
        {
            fields = await RunAsync(_database.HashGetAllAsync(key), cancellationToken);
        }
        catch (RedisServerException e) when (IsWrongType(e))
        {
            // A plain string written by an older client: daprd falls back to GET and reports no etag.
            var legacy = await RunAsync(_database.StringGetAsync(key), cancellationToken);
            return legacy.IsNull ? null : new StateEntry((byte[])legacy!, null);
        }

        if (fields.Length == 0)
        {
            return null;
        }

        var data = RedisValue.Null;
        var version = RedisValue.Null;
        foreach (var field in fields)
        {
            if (field.Name == "data")
            {
                data = field.Value;
            }
            else if (field.Name == "version")
            {
                version = field.Value;
            }
        }

        if (data.IsNull || version.IsNull)
        {
            throw new InvalidOperationException("required hash field 'data' or 'version' was not found");
        }

        return new StateEntry((byte[])data!, (string?)version);
    }

    public async Task<IReadOnlyList<BulkStateEntry>> BulkGetAsync(IReadOnlyList<string> keys, StateReadOptions options, int parallelism, CancellationToken cancellationToken)
    {
        // One multiplexed connection pipelines every read; there is nothing to gain from limiting parallelism.
        var reads = new Task<StateEntry?>[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            reads[i] = GetAsync(keys[i], options, cancellationToken);
        }

        var results = new BulkStateEntry[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            try
            {
                results[i] = new BulkStateEntry(keys[i], await reads[i], null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results[i] = new BulkStateEntry(keys[i], null, e.Message);
            }
        }

        return results;
    }

    public async Task<string?> SetAsync(StateSetRequest request, CancellationToken cancellationToken)
    {
        var expected = ExpectedVersion(request.ETag);
        var firstWrite = request.Concurrency == StateConcurrency.FirstWrite ? RedisStateScripts.FirstWriteFlag : "1";
        RedisResult version;
        try
        {
            version = await RunAsync(_database.ExecuteAsync("EVAL", SetArguments(request, expected, firstWrite)), cancellationToken);
        }
        catch (RedisServerException e) when (IsRefusal(e))
        {
            throw HasETag(request.ETag)
                ? new StateETagMismatchException(e.Message)
                : new InvalidOperationException($"failed to set key {request.Key}: {e.Message}", e);
        }

        if (request.Consistency == StateConsistency.Strong)
        {
            await WaitForReplicasAsync(cancellationToken);
        }

        return ((long)version).ToString(CultureInfo.InvariantCulture);
    }

    public async Task DeleteAsync(StateDeleteRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(_database.ExecuteAsync("EVAL", DeleteArguments(request)), cancellationToken);
        }
        catch (RedisServerException e) when (IsRefusal(e))
        {
            throw new StateETagMismatchException(e.Message);
        }

        if (request.Consistency == StateConsistency.Strong)
        {
            await WaitForReplicasAsync(cancellationToken);
        }
    }

    public async Task TransactAsync(IReadOnlyList<StateOperation> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (operations.Count == 0)
        {
            return;
        }

        // One script checks and applies the whole transaction atomically: one round trip, nothing written on a
        // conflict. Etags are parsed first, so an invalid one fails the transaction before anything is sent.
        var arguments = new object[2 + (5 * operations.Count)];
        arguments[0] = RedisStateScripts.Transact;
        arguments[1] = operations.Count;
        var argv = 2 + operations.Count;
        for (var i = 0; i < operations.Count; i++)
        {
            var op = operations[i];
            arguments[2 + i] = (RedisKey)op.Key;
            if (op.Set is { } set)
            {
                arguments[argv++] = "s";
                arguments[argv++] = ExpectedVersion(set.ETag);
                arguments[argv++] = (RedisValue)WholeArray(set.Value);
                arguments[argv++] = TtlArgument(set);
            }
            else
            {
                arguments[argv++] = "d";
                arguments[argv++] = EtagArgument(op.Delete!.ETag);
                arguments[argv++] = "";
                arguments[argv++] = "";
            }
        }

        var outcome = (long)await RunAsync(_database.ExecuteAsync("EVAL", arguments), cancellationToken);
        if (outcome == 0)
        {
            return;
        }

        var failed = operations[(int)Math.Abs(outcome) - 1];
        if (outcome < 0)
        {
            throw new InvalidOperationException($"failed to set key {failed.Key}: its stored version is not an integer");
        }

        throw failed.Set is { } refused
            ? HasETag(refused.ETag)
                ? new StateETagMismatchException($"failed to set key {refused.Key}")
                : new InvalidOperationException($"failed to set key {refused.Key}: it was saved with first-write concurrency and no etag was given")
            : new StateETagMismatchException($"failed to delete {failed.Key}");
    }

    public async ValueTask DisposeAsync()
    {
        // By the time components are disposed no request is in flight; there is nothing to wait for.
        await _connection.CloseAsync(allowCommandsToComplete: false);
        _connection.Dispose();
    }

    /// <summary>ARGV[1] of the set script: the etag as an integer (daprd's strconv.Atoi), or "0" when there is none.</summary>
    private static string ExpectedVersion(string? etag)
    {
        if (!HasETag(etag))
        {
            return RedisStateScripts.NoETag;
        }

        return long.TryParse(etag, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version)
            ? version.ToString(CultureInfo.InvariantCulture)
            : throw new StateETagInvalidException(etag!);
    }

    /// <summary>ARGV[1] of the delete script: the etag verbatim (daprd does not parse it here), or "0".</summary>
    private static string EtagArgument(string? etag) => HasETag(etag) ? etag! : RedisStateScripts.NoETag;

    private static bool HasETag(string? etag) => !string.IsNullOrEmpty(etag);

    private object[] SetArguments(StateSetRequest request, string expectedVersion, string firstWriteFlag) =>
    [
        RedisStateScripts.Set, 1, (RedisKey)request.Key,
        expectedVersion, (RedisValue)WholeArray(request.Value), firstWriteFlag, TtlArgument(request),
    ];

    /// <summary>The ttl argument of the scripts: the request's ttlInSeconds, else the component's default, else "".</summary>
    private string TtlArgument(StateSetRequest request) =>
        (request.TtlSeconds ?? _settings.DefaultTtlSeconds) is { } seconds ? seconds.ToString(CultureInfo.InvariantCulture) : "";

    // The API hands over values in arrays of their own: passed as they are rather than copied on every save.
    private static byte[] WholeArray(ReadOnlyMemory<byte> value) =>
        MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : value.ToArray();

    private static object[] DeleteArguments(StateDeleteRequest request) =>
        [RedisStateScripts.Delete, 1, (RedisKey)request.Key, EtagArgument(request.ETag)];

    private async Task WaitForReplicasAsync(CancellationToken cancellationToken)
    {
        if (_replicas > 0)
        {
            await RunAsync(_database.ExecuteAsync("WAIT", _replicas, 1000), cancellationToken);
        }
    }

    /// <summary>
    /// As components-contrib's state.redis: the whole SCAN first, keys sorted, then an offset page whose token is the
    /// offset of the next key (an unreadable token starts from the beginning, as there).
    /// </summary>
    public async Task<KeysLikePage> KeysLikeAsync(KeysLikeRequest request, CancellationToken cancellationToken)
    {
        var glob = LikePattern.ToRedisGlob(request.Pattern);
        var keys = new List<string>();
        var cursor = "0";
        do
        {
            var reply = (RedisResult[])(await RunAsync(_database.ExecuteAsync("SCAN", cursor, "MATCH", glob, "COUNT", 1000), cancellationToken))!;
            cursor = (string)reply[0]!;
            keys.AddRange(((RedisResult[])reply[1]!).Select(key => (string)key!));
        }
        while (cursor != "0");

        keys.Sort(StringComparer.Ordinal);
        var start = request.ContinuationToken is { Length: > 0 } token
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? Math.Min(offset, keys.Count)
            : 0;
        var end = request.PageSize is > 0 and var pageSize && keys.Count - start > pageSize ? start + (int)pageSize : keys.Count;
        return new KeysLikePage(
            keys.GetRange(start, end - start),
            end < keys.Count ? end.ToString(CultureInfo.InvariantCulture) : null);
    }

    /// <summary>
    /// Bounds each call like go-redis's read timeout and ends the wait on cancellation (SE.Redis commands take no
    /// CancellationToken; its AsyncTimeout, set to the same bound, fails the abandoned command inside the client).
    /// </summary>
    private async Task<T> RunAsync<T>(Task<T> operation, CancellationToken cancellationToken)
    {
        try
        {
            return _settings.OperationTimeout is { } timeout
                ? await operation.WaitAsync(timeout, cancellationToken)
                : await operation.WaitAsync(cancellationToken);
        }
        catch (TimeoutException)
        {
            // Observe the abandoned operation's outcome so it is not reported as unobserved.
            _ = operation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new TimeoutException($"redis did not answer within {_settings.OperationTimeout!.Value.TotalMilliseconds:0} ms");
        }
    }

    private static async Task<int> CountReplicasAsync(IDatabase database)
    {
        var info = (string?)await database.ExecuteAsync("INFO", "replication") ?? "";
        foreach (var line in info.Split("\r\n"))
        {
            if (line.StartsWith("connected_slaves:", StringComparison.Ordinal)
                && int.TryParse(line.AsSpan("connected_slaves:".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var replicas))
            {
                return replicas;
            }
        }

        return 0;
    }

    private static bool IsWrongType(RedisServerException e) => e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal);

    private static bool IsRefusal(RedisServerException e) =>
        e.Message.Contains("failed to set key ", StringComparison.Ordinal) || e.Message.Contains("failed to delete ", StringComparison.Ordinal);

    // CLIENT SETNAME refuses spaces; app ids never have them, but keep the name safe regardless.
    private static string ClientName(string appId) => "dapr-" + (string.IsNullOrEmpty(appId) ? "sidecar" : appId.Replace(' ', '-'));

}
