using System.Globalization;
using System.Text.Json;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Runtime;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Api;

/// <summary>daprd's state API: /v1.0/state/{store}[/{key}|/bulk|/transaction].</summary>
public static class StateEndpoints
{
    private const string JsonContentType = "application/json";

    public static void MapStateApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/state/{storeName}", SaveAsync);
        v1.MapPut("/state/{storeName}", SaveAsync);
        v1.MapGet("/state/{storeName}/{key}", GetAsync);
        v1.MapDelete("/state/{storeName}/{key}", DeleteAsync);
        v1.MapPost("/state/{storeName}/bulk", BulkGetAsync);
        v1.MapPut("/state/{storeName}/bulk", BulkGetAsync);
        v1.MapPost("/state/{storeName}/transaction", TransactionAsync);
        v1.MapPut("/state/{storeName}/transaction", TransactionAsync);
    }

    private static async Task<IResult> GetAsync(
        string storeName, string key, HttpRequest request, ComponentRegistry components, IResiliencyProvider resiliency, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        CheckKey(key);
        var metadata = DaprRequest.QueryMetadata(request);
        var options = new StateReadOptions(ParseConsistency(request.Query["consistency"]), metadata);
        StateEntry? entry;
        try
        {
            entry = await resiliency.ComponentOutbound(storeName).ExecuteAsync(t => store.Store.GetAsync(store.Keys.ToStoreKey(key), options, t), ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateGet(key, storeName, e.Message).ToException();
        }

        if (entry is null)
        {
            return TypedResults.NoContent();
        }

        return new StateValueResult(entry, metadata.GetValueOrDefault("contentType"));
    }

    private static async Task<IResult> SaveAsync(
        string storeName, HttpRequest request, ComponentRegistry components, IResiliencyProvider resiliency, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        var queryMetadata = DaprRequest.QueryMetadata(request);
        using var body = await DaprRequest.ReadJsonAsync(request, ct);
        if (body.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw DaprErrors.Malformed("failed to parse JSON request body: expected an array of state items").ToException();
        }

        var items = new List<StateSetRequest>(body.RootElement.GetArrayLength());
        foreach (var item in body.RootElement.EnumerateArray())
        {
            items.Add(ParseSetRequest(item, store, queryMetadata));
        }

        await SaveAllAsync(store, items, resiliency.ComponentOutbound(storeName), ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// daprd's bulk save: every item is attempted (in parallel), and the error is an etag one (409/400, on gRPC
    /// ABORTED/INVALID_ARGUMENT) only when every failure is.
    /// </summary>
    internal static async Task SaveAllAsync(StateStoreEntry store, IReadOnlyList<StateSetRequest> items, IResiliencyPolicy policy, CancellationToken ct)
    {
        var failures = await Task.WhenAll(items.Select(async item =>
        {
            try
            {
                await policy.ExecuteAsync(t => store.Store.SetAsync(item, t), ct);
                return null;
            }
            catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
            {
                return e;
            }
        }));

        var errors = failures.OfType<Exception>().ToList();
        if (errors.Count > 0)
        {
            throw DaprErrors.StateSave(EtagStatus(errors), store.Name, string.Join("\n", errors.Select(e => e.Message))).ToException();
        }
    }

    /// <summary>
    /// The status of failed saves or deletes: 409 when every failure is an etag mismatch, 400 when they are all etag
    /// errors and one is an etag the store cannot read, else 500. <see cref="DaprError.GrpcCode"/> makes them
    /// ABORTED (what Dapr.Client's TrySaveStateAsync turns into false), INVALID_ARGUMENT and INTERNAL.
    /// </summary>
    internal static int EtagStatus(IReadOnlyCollection<Exception> errors) =>
        errors.All(e => e is StateETagMismatchException or StateETagInvalidException)
            ? errors.Any(e => e is StateETagInvalidException) ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict
            : StatusCodes.Status500InternalServerError;

    private static async Task<IResult> DeleteAsync(
        string storeName, string key, HttpRequest request, ComponentRegistry components, IResiliencyProvider resiliency, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        CheckKey(key);
        var etag = request.Headers.IfMatch.ToString();
        var delete = new StateDeleteRequest(
            store.Keys.ToStoreKey(key),
            string.IsNullOrEmpty(etag) ? null : etag,
            ParseConcurrency(request.Query["concurrency"]),
            ParseConsistency(request.Query["consistency"]),
            DaprRequest.QueryMetadata(request));
        try
        {
            await resiliency.ComponentOutbound(storeName).ExecuteAsync(async t =>
            {
                await store.Store.DeleteAsync(delete, t);
                return true;
            }, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateDelete(EtagStatus([e]), key, e.Message).ToException();
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> BulkGetAsync(
        string storeName, HttpRequest request, ComponentRegistry components, IResiliencyProvider resiliency, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        using var body = await DaprRequest.ReadJsonAsync(request, ct);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw DaprErrors.Malformed("failed to parse JSON request body: expected {\"keys\":[...]}").ToException();
        }

        var keys = new List<string>();
        if (root.TryGetProperty("keys", out var keysElement))
        {
            if (keysElement.ValueKind != JsonValueKind.Array || keysElement.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String))
            {
                throw DaprErrors.Malformed("failed to parse JSON request body: keys must be an array of strings").ToException();
            }

            keys.AddRange(keysElement.EnumerateArray().Select(k => k.GetString()!));
        }

        foreach (var key in keys)
        {
            CheckKey(key);
        }

        // daprd: no parallelism (or <= 0) means every key at once.
        var parallelism = root.TryGetProperty("parallelism", out var p) && p.TryGetInt32(out var n) && n > 0 ? n : Math.Max(1, keys.Count);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("metadata", out var bodyMetadata) && bodyMetadata.ValueKind == JsonValueKind.Object)
        {
            foreach (var m in bodyMetadata.EnumerateObject())
            {
                metadata[m.Name] = m.Value.ToString();
            }
        }

        // Query parameters win over the body, as daprd merges them.
        foreach (var (key, value) in DaprRequest.QueryMetadata(request))
        {
            metadata[key] = value;
        }

        IReadOnlyList<BulkStateEntry> entries;
        try
        {
            var storeKeys = keys.Select(store.Keys.ToStoreKey).ToList();
            entries = await resiliency.ComponentOutbound(storeName).ExecuteAsync(
                t => store.Store.BulkGetAsync(storeKeys, new StateReadOptions(StateConsistency.Eventual, metadata), parallelism, t), ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateBulkGet(storeName, e.Message).ToException();
        }

        // daprd names each answer after the key the store returned, with the prefix taken off.
        return new BulkStateResult(entries.Select(e => (StateKeys.ToAppKey(e.Key), e)).ToList());
    }

    private static async Task<IResult> TransactionAsync(
        string storeName, HttpRequest request, ComponentRegistry components, IResiliencyProvider resiliency, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        if (!store.Store.Features.HasFlag(StateStoreFeatures.Transactional))
        {
            throw DaprErrors.StateStoreNotTransactional(storeName).ToException();
        }

        var queryMetadata = DaprRequest.QueryMetadata(request);
        using var body = await DaprRequest.ReadJsonAsync(request, ct);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw DaprErrors.Malformed("failed to parse JSON request body: expected {\"operations\":[...]}").ToException();
        }

        var txMetadata = new Dictionary<string, string>(queryMetadata, StringComparer.Ordinal);
        if (root.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
        {
            foreach (var m in md.EnumerateObject())
            {
                txMetadata[m.Name] = m.Value.ToString();
            }
        }

        var operations = new List<StateOperation>();
        if (root.TryGetProperty("operations", out var ops) && ops.ValueKind == JsonValueKind.Array)
        {
            foreach (var op in ops.EnumerateArray())
            {
                var kind = op.ValueKind == JsonValueKind.Object && op.TryGetProperty("operation", out var k) ? k.GetString() : null;
                if (!op.TryGetProperty("request", out var item) || item.ValueKind != JsonValueKind.Object)
                {
                    throw DaprErrors.Malformed("failed to parse JSON request body: each operation needs a request object").ToException();
                }

                switch (kind)
                {
                    // Each operation gets the query metadata merged in; the body's "metadata" stays transaction-level,
                    // as in daprd (so e.g. a body-level ttlInSeconds does not reach the operations).
                    case "upsert":
                        operations.Add(new StateOperation(ParseSetRequest(item, store, queryMetadata), null));
                        break;
                    case "delete":
                        var set = ParseSetRequest(item, store, queryMetadata, valueRequired: false);
                        operations.Add(new StateOperation(null, new StateDeleteRequest(set.Key, set.ETag, set.Concurrency, set.Consistency, set.Metadata)));
                        break;
                    default:
                        throw DaprErrors.StateOperationNotSupported(kind ?? "").ToException();
                }
            }
        }
        else if (root.TryGetProperty("operations", out _))
        {
            throw DaprErrors.Malformed("failed to parse JSON request body: operations must be an array").ToException();
        }

        if (operations.Count == 0)
        {
            return TypedResults.NoContent();
        }

        try
        {
            await resiliency.ComponentOutbound(storeName).ExecuteAsync(async t =>
            {
                await store.Store.TransactAsync(operations, txMetadata, t);
                return true;
            }, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            // daprd does not map etag conflicts inside a transaction to 409.
            throw DaprErrors.StateTransaction(e.Message).ToException();
        }

        return TypedResults.NoContent();
    }

    public static StateStoreEntry Resolve(ComponentRegistry components, string storeName)
    {
        if (components.StateStores.Count == 0)
        {
            throw DaprErrors.StateStoresNotConfigured().ToException();
        }

        return components.StateStores.TryGetValue(storeName, out var store)
            ? store
            : throw DaprErrors.StateStoreNotFound(storeName).ToException();
    }

    internal static void CheckKey(string key)
    {
        if (key.Contains(StateKeys.Separator, StringComparison.Ordinal))
        {
            throw DaprErrors.KeyContainsDelimiter(key).ToException();
        }
    }

    private static StateSetRequest ParseSetRequest(JsonElement item, StateStoreEntry store, IReadOnlyDictionary<string, string> queryMetadata, bool valueRequired = true)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw DaprErrors.Malformed("failed to parse JSON request body: each state item must be an object").ToException();
        }

        var key = item.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        if (string.IsNullOrEmpty(key))
        {
            throw DaprErrors.Malformed("\"key\" is a required field").ToException();
        }

        CheckKey(key);

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (item.TryGetProperty("metadata", out var md) && md.ValueKind == JsonValueKind.Object)
        {
            foreach (var m in md.EnumerateObject())
            {
                metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
            }
        }

        // daprd copies the query's metadata.* over the item's own.
        foreach (var (name, text) in queryMetadata)
        {
            metadata[name] = text;
        }

        string? etag = null;
        if (item.TryGetProperty("etag", out var e))
        {
            etag = e.ValueKind switch
            {
                JsonValueKind.String => e.GetString(),
                JsonValueKind.Null => null,
                _ => throw DaprErrors.Malformed("failed to parse JSON request body: etag must be a string").ToException(),
            };
        }

        var concurrency = StateConcurrency.LastWrite;
        var consistency = StateConsistency.Eventual;
        if (item.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object)
        {
            concurrency = ParseConcurrency(options.TryGetProperty("concurrency", out var c) ? c.GetString() : null);
            consistency = ParseConsistency(options.TryGetProperty("consistency", out var cs) ? cs.GetString() : null);
        }

        var ttl = ParseTtl(metadata);

        ReadOnlyMemory<byte> value = ReadOnlyMemory<byte>.Empty;
        if (item.TryGetProperty("value", out var v))
        {
            value = CompactJson(v);
        }
        else if (valueRequired)
        {
            value = "null"u8.ToArray();
        }

        // Over HTTP daprd always decodes the value as JSON, whatever metadata.contentType says.
        return new StateSetRequest(store.Keys.ToStoreKey(key), value, etag, concurrency, consistency, ttl, metadata, JsonContentType);
    }

    /// <summary>
    /// daprd decodes the value and its store re-encodes it as compact JSON. Go keeps non-ASCII text as UTF-8, so the
    /// relaxed encoder is used: the stored bytes then match daprd's except for Go's \u003c-style escaping of &lt;, &gt; and &amp;.
    /// </summary>
    internal static byte[] CompactJson(JsonElement value)
    {
        var writer = ScratchJsonWriter.Start(relaxedEscaping: true);
        value.WriteTo(writer);
        return ScratchJsonWriter.Finish(writer);
    }

    /// <summary>Metadata <c>ttlInSeconds</c>: null when absent, -1 for never.</summary>
    internal static int? ParseTtl(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("ttlInSeconds", out var text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ttl) && ttl >= -1
            ? ttl
            : throw DaprErrors.Malformed($"incorrect value for metadata 'ttlInSeconds': '{text}' (expected an integer >= -1)").ToException();
    }

    private static StateConcurrency ParseConcurrency(string? text) => text switch
    {
        null or "" or "last-write" => StateConcurrency.LastWrite,
        "first-write" => StateConcurrency.FirstWrite,
        _ => throw DaprErrors.Malformed($"invalid concurrency '{text}': must be first-write or last-write").ToException(),
    };

    private static StateConsistency ParseConsistency(string? text) => text switch
    {
        null or "" or "eventual" => StateConsistency.Eventual,
        "strong" => StateConsistency.Strong,
        _ => throw DaprErrors.Malformed($"invalid consistency '{text}': must be strong or eventual").ToException(),
    };
}
