using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

/// <summary>State management over <c>/v1.0/state/{store}</c>.</summary>
public sealed partial class DaprClient
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    /// <summary>Reads a value; <c>default</c> when the key does not exist (daprd answers 204).</summary>
    public async Task<TValue?> GetStateAsync<TValue>(
        string storeName,
        string key,
        ConsistencyMode? consistencyMode = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        var entry = await GetStateEntryAsync<TValue>(storeName, key, consistencyMode, metadata, cancellationToken).ConfigureAwait(false);
        return entry.Value;
    }

    /// <summary>Reads a value together with its ETag (from the <c>ETag</c> response header) for a later optimistic write.</summary>
    public async Task<StateEntry<TValue>> GetStateEntryAsync<TValue>(
        string storeName,
        string key,
        ConsistencyMode? consistencyMode = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentException.ThrowIfNullOrEmpty(key);

        var query = new QueryStringBuilder();
        query.Add("consistency", consistencyMode?.ToWire());
        query.AddMetadata(metadata);

        using var request = CreateRequest(HttpMethod.Get, $"/v1.0/state/{Escape(storeName)}/{Escape(key)}{query}");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await DaprErrors.ReadApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        if (HasNoContent(response))
        {
            return new StateEntry<TValue>(key, default, null, NoMetadata);
        }

        // daprd sends ETags unquoted ("ETag: 1"), which the typed header parser rejects, so read the raw value.
        var etag = response.Headers.TryGetValues(DaprHeaders.ETag, out var etags) ? etags.FirstOrDefault() : null;
        var value = await response.Content.ReadFromJsonAsync<TValue>(JsonSerializerOptions, cancellationToken).ConfigureAwait(false);
        return new StateEntry<TValue>(key, value, etag, ReadResponseMetadata(response));
    }

    /// <summary>Saves a value (last-write-wins unless the store is configured otherwise). <paramref name="metadata"/> carries e.g. <c>ttlInSeconds</c>.</summary>
    public Task SaveStateAsync<TValue>(
        string storeName,
        string key,
        TValue value,
        StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) =>
        SaveStateCoreAsync(storeName, key, value, etag: null, stateOptions, metadata, cancellationToken);

    /// <summary>
    /// Saves a value only if the stored ETag still equals <paramref name="etag"/>; a conflict throws
    /// <see cref="DaprStateConcurrencyException"/>.
    /// </summary>
    public Task SaveStateAsync<TValue>(
        string storeName,
        string key,
        TValue value,
        string etag,
        StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(etag);
        return SaveStateCoreAsync(storeName, key, value, etag, stateOptions, metadata, cancellationToken);
    }

    /// <summary>Optimistic save: <c>false</c> when the ETag no longer matches, so the caller can re-read and retry.</summary>
    public Task<bool> TrySaveStateAsync<TValue>(
        string storeName,
        string key,
        TValue value,
        string etag,
        StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) =>
        SucceedsWithoutConflictAsync(SaveStateAsync(storeName, key, value, etag, stateOptions, metadata, cancellationToken));

    public Task DeleteStateAsync(
        string storeName,
        string key,
        StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) =>
        DeleteStateCoreAsync(storeName, key, etag: null, stateOptions, metadata, cancellationToken);

    /// <summary>Deletes only if the stored ETag equals <paramref name="etag"/> (sent as <c>If-Match</c>); a conflict throws <see cref="DaprStateConcurrencyException"/>.</summary>
    public Task DeleteStateAsync(
        string storeName,
        string key,
        string etag,
        StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(etag);
        return DeleteStateCoreAsync(storeName, key, etag, stateOptions, metadata, cancellationToken);
    }

    /// <summary>Optimistic delete: <c>false</c> when the ETag no longer matches.</summary>
    public Task<bool> TryDeleteStateAsync(
        string storeName,
        string key,
        string etag,
        StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) =>
        SucceedsWithoutConflictAsync(DeleteStateAsync(storeName, key, etag, stateOptions, metadata, cancellationToken));

    /// <summary>Reads many keys in one call; results come back in daprd's order with per-key errors instead of a failure.</summary>
    public async Task<IReadOnlyList<BulkStateItem<TValue>>> GetBulkStateAsync<TValue>(
        string storeName,
        IReadOnlyList<string> keys,
        int? parallelism = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentNullException.ThrowIfNull(keys);

        var body = JsonBody.Create(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in keys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            if (parallelism is { } degree)
            {
                writer.WriteNumber("parallelism", degree);
            }

            JsonBody.WriteStringMap(writer, "metadata", metadata);
            writer.WriteEndObject();
        });

        using var request = CreateRequest(HttpMethod.Post, $"/v1.0/state/{Escape(storeName)}/bulk", body);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await DaprErrors.ReadApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var items = await response.Content.ReadFromJsonAsync(DaprJsonContext.Default.ListBulkStateResponseItem, cancellationToken).ConfigureAwait(false) ?? [];
        var results = new List<BulkStateItem<TValue>>(items.Count);
        foreach (var item in items)
        {
            var value = item.Data is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } data
                ? data.Deserialize<TValue>(JsonSerializerOptions)
                : default;
            results.Add(new BulkStateItem<TValue>(item.Key, value, item.ETag, item.Error, item.Metadata ?? NoMetadata));
        }

        return results;
    }

    /// <summary>
    /// Applies upserts and deletes atomically (the store must support transactions). An ETag conflict inside the
    /// transaction throws <see cref="DaprStateConcurrencyException"/>.
    /// </summary>
    public async Task ExecuteStateTransactionAsync(
        string storeName,
        IReadOnlyList<StateTransactionRequest> operations,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentNullException.ThrowIfNull(operations);

        var json = JsonSerializerOptions;
        var body = JsonBody.Create(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("operations");
            foreach (var operation in operations)
            {
                operation.WriteTo(writer, json);
            }

            writer.WriteEndArray();
            JsonBody.WriteStringMap(writer, "metadata", metadata);
            writer.WriteEndObject();
        });

        using var request = CreateRequest(HttpMethod.Post, $"/v1.0/state/{Escape(storeName)}/transaction", body);
        await SendStateWriteAsync(request, storeName, key: null, cancellationToken).ConfigureAwait(false);
    }

    private async Task SaveStateCoreAsync<TValue>(
        string storeName,
        string key,
        TValue value,
        string? etag,
        StateOptions? stateOptions,
        IReadOnlyDictionary<string, string>? metadata,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentException.ThrowIfNullOrEmpty(key);

        var json = JsonSerializerOptions;
        var body = JsonBody.Create(writer =>
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("key", key);
            writer.WritePropertyName("value");
            JsonSerializer.Serialize(writer, value, json);
            if (etag is not null)
            {
                writer.WriteString("etag", etag);
            }

            JsonBody.WriteStringMap(writer, "metadata", metadata);
            StateWireValues.WriteOptions(writer, stateOptions);
            writer.WriteEndObject();
            writer.WriteEndArray();
        });

        using var request = CreateRequest(HttpMethod.Post, $"/v1.0/state/{Escape(storeName)}", body);
        await SendStateWriteAsync(request, storeName, key, cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteStateCoreAsync(
        string storeName,
        string key,
        string? etag,
        StateOptions? stateOptions,
        IReadOnlyDictionary<string, string>? metadata,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentException.ThrowIfNullOrEmpty(key);

        var query = new QueryStringBuilder();
        query.Add("concurrency", stateOptions?.Concurrency?.ToWire());
        query.Add("consistency", stateOptions?.Consistency?.ToWire());
        query.AddMetadata(metadata);

        using var request = CreateRequest(HttpMethod.Delete, $"/v1.0/state/{Escape(storeName)}/{Escape(key)}{query}");
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation(DaprHeaders.IfMatch, etag);
        }

        await SendStateWriteAsync(request, storeName, key, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> SucceedsWithoutConflictAsync(Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
            return true;
        }
        catch (DaprStateConcurrencyException)
        {
            return false;
        }
    }

    private async Task SendStateWriteAsync(HttpRequestMessage request, string storeName, string? key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await DaprErrors.ReadStateWriteExceptionAsync(response, storeName, key, cancellationToken).ConfigureAwait(false);
        }
    }

    private static IReadOnlyDictionary<string, string> ReadResponseMetadata(HttpResponseMessage response)
    {
        Dictionary<string, string>? metadata = null;
        foreach (var (name, values) in response.Headers)
        {
            if (name.StartsWith(DaprHeaders.MetadataPrefix, StringComparison.OrdinalIgnoreCase))
            {
                metadata ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                metadata[name[DaprHeaders.MetadataPrefix.Length..]] = string.Join(',', values);
            }
        }

        return metadata ?? NoMetadata;
    }
}
