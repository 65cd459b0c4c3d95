using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

/// <summary>Publishing over <c>/v1.0/publish/{pubsub}/{topic}</c> and <c>/v1.0-alpha1/publish/bulk/{pubsub}/{topic}</c>.</summary>
public sealed partial class DaprClient
{
    /// <summary>Publishes <paramref name="data"/> as JSON; daprd wraps it in a CloudEvent.</summary>
    public Task PublishEventAsync<TData>(string pubsubName, string topicName, TData data, CancellationToken cancellationToken = default) =>
        PublishEventAsync(pubsubName, topicName, data, (IReadOnlyDictionary<string, string>?)null, cancellationToken);

    /// <summary>Publishes <paramref name="data"/> as JSON with raw publish metadata (keys without the <c>metadata.</c> prefix).</summary>
    public Task PublishEventAsync<TData>(
        string pubsubName,
        string topicName,
        TData data,
        IReadOnlyDictionary<string, string>? metadata,
        CancellationToken cancellationToken = default) =>
        PublishCoreAsync(pubsubName, topicName, JsonBody.Create(data, JsonSerializerOptions), metadata, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="data"/> as JSON with typed options (TTL, raw payload, CloudEvent overrides).
    /// <see cref="PublishEventOptions.ContentType"/> only relabels the JSON body (e.g. a vendor <c>+json</c> type).
    /// </summary>
    public Task PublishEventAsync<TData>(
        string pubsubName,
        string topicName,
        TData data,
        PublishEventOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var body = JsonBody.Create(data, JsonSerializerOptions, options.ContentType ?? DaprHeaders.ApplicationJson);
        return PublishCoreAsync(pubsubName, topicName, body, options.ToMetadata(), cancellationToken);
    }

    /// <summary>Publishes bytes as-is with the given content type (e.g. <c>text/plain</c>, <c>application/octet-stream</c>).</summary>
    public Task PublishByteEventAsync(
        string pubsubName,
        string topicName,
        ReadOnlyMemory<byte> data,
        string dataContentType = DaprHeaders.ApplicationJson,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataContentType);
        return PublishCoreAsync(pubsubName, topicName, JsonBody.Bytes(data, dataContentType), metadata, cancellationToken);
    }

    /// <summary>Publishes a ready-made CloudEvent (<c>application/cloudevents+json</c>); daprd adds topic and trace attributes.</summary>
    public Task PublishCloudEventAsync<TData>(
        string pubsubName,
        string topicName,
        CloudEvent<TData> cloudEvent,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var json = JsonSerializerOptions;
        var body = JsonBody.Create(writer => CloudEventWriter.Write(writer, cloudEvent, json), DaprHeaders.CloudEventsJson);
        return PublishCoreAsync(pubsubName, topicName, body, metadata, cancellationToken);
    }

    /// <summary>
    /// Publishes many JSON events in one call. Entry ids are the events' indexes ("0", "1", ...). Partial failures come
    /// back in <see cref="BulkPublishResponse{TValue}.FailedEntries"/>; only whole-request failures throw.
    /// </summary>
    public Task<BulkPublishResponse<TValue>> BulkPublishEventAsync<TValue>(
        string pubsubName,
        string topicName,
        IReadOnlyList<TValue> events,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var entries = new List<BulkPublishEntry<TValue>>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            entries.Add(new BulkPublishEntry<TValue>(i.ToString(CultureInfo.InvariantCulture), events[i]));
        }

        return BulkPublishEventAsync(pubsubName, topicName, entries, metadata, cancellationToken);
    }

    /// <summary>Publishes explicit entries (own ids, content types and per-entry metadata) in one call.</summary>
    public async Task<BulkPublishResponse<TValue>> BulkPublishEventAsync<TValue>(
        string pubsubName,
        string topicName,
        IReadOnlyList<BulkPublishEntry<TValue>> entries,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pubsubName);
        ArgumentException.ThrowIfNullOrEmpty(topicName);
        ArgumentNullException.ThrowIfNull(entries);

        var json = JsonSerializerOptions;
        var body = JsonBody.Create(writer =>
        {
            writer.WriteStartArray();
            foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("entryId", entry.EntryId);
                writer.WritePropertyName("event");
                JsonSerializer.Serialize(writer, entry.Event, json);
                writer.WriteString("contentType", entry.ContentType);
                JsonBody.WriteStringMap(writer, "metadata", entry.Metadata);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });

        var query = new QueryStringBuilder();
        query.AddMetadata(metadata);
        using var request = CreateRequest(HttpMethod.Post, $"/v1.0-alpha1/publish/bulk/{Escape(pubsubName)}/{EscapePath(topicName)}{query}", body);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return new BulkPublishResponse<TValue>([], null);
        }

        // A partial failure is a 500 whose body lists the failed entries; anything else is a plain daprd error.
        if (response.StatusCode == HttpStatusCode.InternalServerError)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var failure = await TryReadBulkPublishFailureAsync(response, cancellationToken).ConfigureAwait(false);
            if (failure?.FailedEntries is { Count: > 0 } failed)
            {
                var byId = entries.ToDictionary(entry => entry.EntryId, StringComparer.Ordinal);
                var failedEntries = failed
                    .Select(item => new BulkPublishFailedEntry<TValue>(
                        byId.TryGetValue(item.EntryId, out var entry) ? entry : throw new DaprException($"daprd reported unknown bulk publish entry '{item.EntryId}'."),
                        item.Error))
                    .ToList();
                return new BulkPublishResponse<TValue>(failedEntries, failure.ErrorCode);
            }
        }

        throw await DaprErrors.ReadApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishCoreAsync(
        string pubsubName,
        string topicName,
        HttpContent body,
        IEnumerable<KeyValuePair<string, string>>? metadata,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(pubsubName);
        ArgumentException.ThrowIfNullOrEmpty(topicName);

        var query = new QueryStringBuilder();
        query.AddMetadata(metadata);
        await SendExpectingSuccessAsync(
            CreateRequest(HttpMethod.Post, $"/v1.0/publish/{Escape(pubsubName)}/{EscapePath(topicName)}{query}", body),
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<BulkPublishResponseBody?> TryReadBulkPublishFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(DaprJsonContext.Default.BulkPublishResponseBody, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
