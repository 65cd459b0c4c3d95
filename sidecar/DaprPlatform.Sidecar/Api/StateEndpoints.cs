using System.Globalization;
using System.Text.Json;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Runtime;

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
        string storeName, string key, HttpRequest request, ComponentRegistry components, ComponentCalls calls, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        CheckKey(key);
        var metadata = DaprRequest.QueryMetadata(request);
        var options = new StateReadOptions(ParseConsistency(request.Query["consistency"]), metadata);
        StateEntry? entry;
        try
        {
            entry = await calls.StateAsync(storeName, ComponentOperations.Get, t => store.Store.GetAsync(store.Keys.ToStoreKey(key), options, t), ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateGet(key, storeName, e.Message).ToException();
        }

        if (entry is null)
        {
            return TypedResults.NoContent();
        }

        return new StateValueResult(entry);
    }

    private static async Task<IResult> SaveAsync(
        string storeName, HttpRequest request, ComponentRegistry components, ComponentCalls calls, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        var queryMetadata = DaprRequest.QueryMetadata(request);
        // daprd answers a body it cannot decode with Go's error text alone.
        var decoded = await DaprRequest.ReadJsonAsync(request, DaprErrors.Malformed, BindSetItems, ct);
        var items = new List<StateSetRequest>(decoded.Count);
        foreach (var item in decoded)
        {
            items.Add(ToSetRequest(item, store, queryMetadata));
        }

        await SaveAllAsync(store, items, calls, ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// daprd's bulk save: every item is attempted (in parallel), and the error is an etag one (409/400, on gRPC
    /// ABORTED/INVALID_ARGUMENT) only when every failure is.
    /// </summary>
    internal static Task SaveAllAsync(StateStoreEntry store, IReadOnlyList<StateSetRequest> items, ComponentCalls calls, CancellationToken ct) =>
        calls.MeasureStateAsync(store.Name, ComponentOperations.Set, async () =>
        {
            var policy = calls.Policy(store.Name);
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
        });

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
        string storeName, string key, HttpRequest request, ComponentRegistry components, ComponentCalls calls, CancellationToken ct)
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
            await calls.StateAsync(storeName, ComponentOperations.Delete, t => store.Store.DeleteAsync(delete, t), ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateDelete(EtagStatus([e]), key, e.Message).ToException();
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> BulkGetAsync(
        string storeName, HttpRequest request, ComponentRegistry components, ComponentCalls calls, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        var (keys, parallelism, metadata) = await DaprRequest.ReadJsonAsync(request, DaprErrors.MalformedBody, BindBulkGet, ct);
        foreach (var key in keys)
        {
            CheckKey(key);
        }

        // daprd: no parallelism (or <= 0) means every key at once.
        parallelism = parallelism > 0 ? parallelism : Math.Max(1, keys.Count);
        metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);

        // Query parameters win over the body, as daprd merges them.
        foreach (var (key, value) in DaprRequest.QueryMetadata(request))
        {
            metadata[key] = value;
        }

        IReadOnlyList<BulkStateEntry> entries;
        try
        {
            var storeKeys = keys.Select(store.Keys.ToStoreKey).ToList();
            entries = await calls.StateAsync(
                storeName, ComponentOperations.BulkGet, t => store.Store.BulkGetAsync(storeKeys, new StateReadOptions(StateConsistency.Eventual, metadata), parallelism, t), ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.StateBulkGet(storeName, e.Message).ToException();
        }

        // daprd names each answer after the key the store returned, with the prefix taken off.
        return new BulkStateResult(entries.Select(e => (StateKeys.ToAppKey(e.Key), e)).ToList());
    }

    private static async Task<IResult> TransactionAsync(
        string storeName, HttpRequest request, ComponentRegistry components, ComponentCalls calls, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        if (!store.Store.Features.HasFlag(StateStoreFeatures.Transactional))
        {
            throw DaprErrors.StateStoreNotTransactional(storeName).ToException();
        }

        var queryMetadata = DaprRequest.QueryMetadata(request);
        var (decoded, bodyMetadata) = await DaprRequest.ReadJsonAsync(request, DaprErrors.MalformedBody, BindTransaction, ct);
        var txMetadata = new Dictionary<string, string>(bodyMetadata ?? [], StringComparer.Ordinal);
        foreach (var (name, value) in queryMetadata)
        {
            txMetadata[name] = value;
        }

        var operations = new List<StateOperation>(decoded.Count);
        foreach (var (kind, item) in decoded)
        {
            // daprd looks at the operation type first: an operation of null is one of type "".
            if (kind is not ("upsert" or "delete"))
            {
                throw DaprErrors.StateOperationNotSupported(kind ?? "").ToException();
            }

            if (item is null)
            {
                throw DaprErrors.MalformedBody("each operation needs a request object").ToException();
            }

            // Each operation gets the query metadata merged in; the body's "metadata" stays transaction-level,
            // as in daprd (so e.g. a body-level ttlInSeconds does not reach the operations).
            var set = ToSetRequest(item, store, queryMetadata);
            operations.Add(kind == "upsert"
                ? new StateOperation(set, null)
                : new StateOperation(null, new StateDeleteRequest(set.Key, set.ETag, set.Concurrency, set.Consistency, set.Metadata)));
        }

        if (operations.Count == 0)
        {
            return TypedResults.NoContent();
        }

        try
        {
            await calls.StateAsync(storeName, ComponentOperations.Transaction, t => store.Store.TransactAsync(operations, txMetadata, t), ct);
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

    // daprd decodes the save body into []state.SetRequest (components-contrib state/requests.go).
    private static List<SetItem> BindSetItems(JsonElement root)
    {
        if (root.ValueKind is JsonValueKind.Null)
        {
            return [];
        }

        if (root.ValueKind is not JsonValueKind.Array)
        {
            throw GoField.Root.TypeError(root, "[]state.SetRequest");
        }

        var items = new List<SetItem>(root.GetArrayLength());
        foreach (var item in root.EnumerateArray())
        {
            items.Add(BindSetItem(item, GoField.Root, valueRequired: true));
        }

        return items;
    }

    // http.BulkGetRequest (dapr pkg/api/http/requests.go).
    private static (List<string> Keys, int Parallelism, Dictionary<string, string>? Metadata) BindBulkGet(JsonElement root)
    {
        const string Struct = "BulkGetRequest";
        if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            throw GoField.Root.TypeError(root, "http." + Struct);
        }

        var keys = new List<string>();
        var parallelism = 0;
        Dictionary<string, string>? metadata = null;
        if (root.ValueKind is JsonValueKind.Null)
        {
            return (keys, parallelism, metadata);
        }

        if (GoJson.TryGetField(root, "keys", out var keysElement) && keysElement.ValueKind is not JsonValueKind.Null)
        {
            var at = GoField.Root.Field(Struct, "keys");
            if (keysElement.ValueKind is not JsonValueKind.Array)
            {
                throw at.TypeError(keysElement, "[]string");
            }

            foreach (var key in keysElement.EnumerateArray())
            {
                keys.Add(GoJson.String(key, at) ?? "");
            }
        }

        if (GoJson.TryGetField(root, "parallelism", out var p))
        {
            parallelism = GoJson.Int(p, GoField.Root.Field(Struct, "parallelism"));
        }

        if (GoJson.TryGetField(root, "metadata", out var md))
        {
            metadata = GoJson.StringMap(md, GoField.Root.Field(Struct, "metadata"));
        }

        return (keys, parallelism, metadata);
    }

    // http.stateTransactionRequestBody; each operation's request is decoded further as a state.SetRequest.
    private static (List<(string? Kind, SetItem? Item)> Operations, Dictionary<string, string>? Metadata) BindTransaction(JsonElement root)
    {
        const string Struct = "stateTransactionRequestBody";
        const string OperationStruct = "stateTransactionRequestBodyOperation";
        if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            throw GoField.Root.TypeError(root, "http." + Struct);
        }

        var operations = new List<(string?, SetItem?)>();
        if (root.ValueKind is JsonValueKind.Null)
        {
            return (operations, null);
        }

        if (GoJson.TryGetField(root, "operations", out var ops) && ops.ValueKind is not JsonValueKind.Null)
        {
            var at = GoField.Root.Field(Struct, "operations");
            if (ops.ValueKind is not JsonValueKind.Array)
            {
                throw at.TypeError(ops, "[]http." + OperationStruct);
            }

            foreach (var op in ops.EnumerateArray())
            {
                switch (op.ValueKind)
                {
                    case JsonValueKind.Null:
                        operations.Add((null, null));
                        break;
                    case JsonValueKind.Object:
                        var kind = GoJson.TryGetField(op, "operation", out var k) ? GoJson.String(k, at.Field(OperationStruct, "operation")) : null;
                        var item = GoJson.TryGetField(op, "request", out var request) && request.ValueKind is JsonValueKind.Object
                            ? BindSetItem(request, GoField.Root, valueRequired: kind != "delete")
                            : null;
                        operations.Add((kind, item));
                        break;
                    default:
                        throw at.TypeError(op, "http." + OperationStruct);
                }
            }
        }

        var metadata = GoJson.TryGetField(root, "metadata", out var md) ? GoJson.StringMap(md, GoField.Root.Field(Struct, "metadata")) : null;
        return (operations, metadata);
    }

    /// <summary>One state.SetRequest as Go decodes it; a null item is the zero value, so its key is missing.</summary>
    private static SetItem BindSetItem(JsonElement item, GoField at, bool valueRequired)
    {
        const string Struct = "SetRequest";
        const string OptionStruct = "SetStateOption";
        if (item.ValueKind is JsonValueKind.Null)
        {
            return new SetItem(null, "null"u8.ToArray(), null, null, null, null);
        }

        if (item.ValueKind is not JsonValueKind.Object)
        {
            throw at.TypeError(item, "state." + Struct);
        }

        var key = GoJson.TryGetField(item, "key", out var k) ? GoJson.String(k, at.Field(Struct, "key")) : null;
        var etag = GoJson.TryGetField(item, "etag", out var e) ? GoJson.String(e, at.Field(Struct, "etag")) : null;
        var metadata = GoJson.TryGetField(item, "metadata", out var md) ? GoJson.StringMap(md, at.Field(Struct, "metadata")) : null;
        string? concurrency = null;
        string? consistency = null;
        if (GoJson.TryGetField(item, "options", out var options) && options.ValueKind is not JsonValueKind.Null)
        {
            var optionsAt = at.Field(Struct, "options");
            if (options.ValueKind is not JsonValueKind.Object)
            {
                throw optionsAt.TypeError(options, "state." + OptionStruct);
            }

            // SetStateOption has no json tags: Go names its fields as declared.
            concurrency = GoJson.TryGetField(options, "concurrency", out var c) ? GoJson.String(c, optionsAt.Field(OptionStruct, "Concurrency")) : null;
            consistency = GoJson.TryGetField(options, "consistency", out var cs) ? GoJson.String(cs, optionsAt.Field(OptionStruct, "Consistency")) : null;
        }

        if (GoJson.TryGetField(item, "contentType", out var contentType))
        {
            GoJson.String(contentType, at.Field(Struct, "contentType"));
        }

        var value = GoJson.TryGetField(item, "value", out var v) ? CompactJson(v) : valueRequired ? "null"u8.ToArray() : [];
        return new SetItem(key, value, etag, metadata, concurrency, consistency);
    }

    private static StateSetRequest ToSetRequest(SetItem item, StateStoreEntry store, IReadOnlyDictionary<string, string> queryMetadata)
    {
        if (string.IsNullOrEmpty(item.Key))
        {
            throw DaprErrors.Malformed("\"key\" is a required field").ToException();
        }

        var key = item.Key;
        CheckKey(key);

        var metadata = item.Metadata ?? new Dictionary<string, string>(StringComparer.Ordinal);
        // daprd copies the query's metadata.* over the item's own.
        foreach (var (name, text) in queryMetadata)
        {
            metadata[name] = text;
        }

        var ttl = ParseTtl(metadata);

        // Over HTTP daprd always decodes the value as JSON, whatever metadata.contentType says.
        return new StateSetRequest(
            store.Keys.ToStoreKey(key), item.Value, item.ETag, ParseConcurrency(item.Concurrency), ParseConsistency(item.Consistency), ttl, metadata, JsonContentType);
    }

    /// <summary>A state item as the request body gave it, before daprd's checks.</summary>
    private sealed record SetItem(string? Key, byte[] Value, string? ETag, Dictionary<string, string>? Metadata, string? Concurrency, string? Consistency);

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
