using System.Text.Json;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.PubSub;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// daprd's publish API: POST|PUT /v1.0/publish/{pubsubname}/{topic...} and bulk publish under v1.0-alpha1 and v1.0
/// (dapr pkg/api/http/http.go onPublish/onBulkPublish). The topic is a wildcard, so it may contain '/'.
/// </summary>
public static class PublishEndpoints
{
    private const int BulkPublishMaxConcurrency = 100;

    public static void MapPublishApi(this RouteGroupBuilder v1)
    {
        v1.MapMethods("/publish/{pubsubname}/{**topic}", [HttpMethods.Post, HttpMethods.Put], PublishAsync);
        v1.MapBulkPublishApi();
    }

    /// <summary>Bulk publish; daprd registers it under both v1.0-alpha1 and v1.0.</summary>
    public static void MapBulkPublishApi(this RouteGroupBuilder group) =>
        group.MapMethods("/publish/bulk/{pubsubname}/{**topic}", [HttpMethods.Post, HttpMethods.Put], BulkPublishAsync);

    private static async Task<IResult> PublishAsync(
        string pubsubname,
        string? topic,
        HttpRequest request,
        StartupComponents components,
        PubSubPublisher publisher,
        SidecarOptions options,
        ConfigurationResource configuration,
        TimeProvider time,
        CancellationToken ct)
    {
        var entry = Validate(components.Registry, pubsubname, topic);
        var metadata = DaprRequest.QueryMetadata(request);
        byte[] data;
        if (IsRawPayload(metadata))
        {
            data = await RequestBody.ReadAllAsync(request, ct);
        }
        else
        {
            // The body is only read to be wrapped: a pooled buffer holds it while the envelope is written.
            using var body = await RequestBody.ReadPooledAsync(request, ct);
            data = Envelope(
                entry,
                new CloudEventRequest(options.AppId, topic!, pubsubname, request.ContentType, body.Memory, IncomingTrace(request, configuration)),
                metadata,
                time.GetLocalNow());
        }

        try
        {
            // daprd hands the component no content type for an HTTP publish; the envelope carries it.
            await publisher.PublishAsync(pubsubname, new PublishRequest(topic!, data, "", metadata), ct);
        }
        catch (PubSubForbiddenException)
        {
            throw DaprErrors.PubsubForbidden(topic!, options.AppId).ToException();
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.PublishMessage(topic!, pubsubname, e.Message).ToException();
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> BulkPublishAsync(
        string pubsubname,
        string? topic,
        HttpRequest request,
        StartupComponents components,
        PubSubPublisher publisher,
        IResiliencyProvider resiliency,
        SidecarMetrics metrics,
        SidecarOptions options,
        ConfigurationResource configuration,
        TimeProvider time,
        CancellationToken ct)
    {
        var entry = Validate(components.Registry, pubsubname, topic);
        var metadata = DaprRequest.QueryMetadata(request);
        var raw = IsRawPayload(metadata);

        var incoming = await DaprRequest.ReadJsonAsync(
            request, err => DaprErrors.PubsubUnmarshalEvents(topic!, pubsubname, err), BindBulkEntries, ct);

        var entries = new List<PendingEntry>(incoming.Count);
        var entryIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in incoming)
        {
            if (item.EventProblem is { } problem)
            {
                throw DaprErrors.PubsubMarshalEnvelope(topic!, pubsubname, problem).ToException();
            }

            if (string.IsNullOrEmpty(item.EntryId) || !entryIds.Add(item.EntryId))
            {
                throw DaprErrors.PubsubMarshalEvents(topic!, pubsubname, "entryId is duplicated or not present for entry").ToException();
            }

            entries.Add(new PendingEntry(item.EntryId, item.Event, item.ContentType ?? "", EntryMetadata(metadata, item.Metadata)));
        }

        if (!raw)
        {
            var now = time.GetLocalNow();
            var incomingTraceParent = request.Headers[TraceContext.TraceParentHeader].ToString();
            var incomingTraceState = request.Headers[TraceContext.TraceStateHeader].ToString();
            for (var i = 0; i < entries.Count; i++)
            {
                // Each event of a bulk call gets its own child span, so its own traceparent.
                var trace = TraceContext.ChildOf(incomingTraceParent, incomingTraceState, configuration.TracingSamplingRate);
                var e = entries[i];
                entries[i] = e with { Data = Envelope(entry, new CloudEventRequest(options.AppId, topic!, pubsubname, e.ContentType, e.Data, trace), e.Metadata, now) };
            }
        }

        try
        {
            publisher.Resolve(pubsubname, topic!);
        }
        catch (PubSubForbiddenException)
        {
            throw DaprErrors.PubsubForbidden(topic!, options.AppId).ToException();
        }

        var failed = await PublishEntriesAsync(entry, topic!, entries, resiliency.ComponentOutbound(pubsubname), metrics, ct);
        if (failed.Count == 0)
        {
            return TypedResults.NoContent();
        }

        var response = new BulkPublishResponse(
            failed.Select(f => new BulkPublishFailedEntry(f.EntryId, f.Error)).ToList(),
            "ERR_PUBSUB_PUBLISH_MESSAGE");
        return TypedResults.Json(response, PublishJsonContext.Default.BulkPublishResponse, statusCode: StatusCodes.Status500InternalServerError);
    }

    // daprd decodes the body into []bulkPublishMessageEntry; a null entry is the zero one, with no content type.
    private static List<BulkPublishEntry> BindBulkEntries(JsonElement root)
    {
        const string Struct = "bulkPublishMessageEntry";
        if (root.ValueKind is JsonValueKind.Null)
        {
            return [];
        }

        if (root.ValueKind is not JsonValueKind.Array)
        {
            throw GoField.Root.TypeError(root, "[]http." + Struct);
        }

        var entries = new List<BulkPublishEntry>(root.GetArrayLength());
        foreach (var item in root.EnumerateArray())
        {
            if (item.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                throw GoField.Root.TypeError(item, "http." + Struct);
            }

            var isObject = item.ValueKind is JsonValueKind.Object;
            var entryId = isObject && GoJson.TryGetField(item, "entryId", out var id) ? GoJson.String(id, GoField.Root.Field(Struct, "entryId")) : null;
            var contentType = isObject && GoJson.TryGetField(item, "contentType", out var type) ? GoJson.String(type, GoField.Root.Field(Struct, "contentType")) : null;
            var metadata = isObject && GoJson.TryGetField(item, "metadata", out var md) ? GoJson.StringMap(md, GoField.Root.Field(Struct, "metadata")) : null;
            var @event = isObject && GoJson.TryGetField(item, "event", out var e) ? e : default;
            // Converted while the parsed body is alive; a failure is daprd's error only once the whole body decoded.
            var converted = BulkEventConverter.TryConvert(@event, contentType, out var bytes, out var problem);
            entries.Add(new BulkPublishEntry(entryId, bytes, converted ? null : problem, contentType, metadata));
        }

        return entries;
    }

    /// <summary>
    /// daprd's default bulk publisher: entries go to the component one by one, in parallel; the outbound policy
    /// retries only the entries that failed.
    /// </summary>
    internal static async Task<List<(string EntryId, string Error)>> PublishEntriesAsync(
        PubSubEntry entry, string topic, List<PendingEntry> entries, IResiliencyPolicy policy, SidecarMetrics metrics, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var pending = entries;
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await policy.ExecuteAsync(async attemptToken =>
            {
                failures.Clear();
                var attemptFailures = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
                await Parallel.ForEachAsync(
                    pending,
                    new ParallelOptions { MaxDegreeOfParallelism = BulkPublishMaxConcurrency, CancellationToken = attemptToken },
                    async (e, token) =>
                    {
                        try
                        {
                            await entry.PubSub.PublishAsync(new PublishRequest(topic, e.Data, "", e.Metadata), token);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
                        {
                            attemptFailures[e.EntryId] = ex.Message;
                        }
                    });

                foreach (var (id, error) in attemptFailures)
                {
                    failures[id] = error;
                }

                pending = pending.Where(e => attemptFailures.ContainsKey(e.EntryId)).ToList();
                if (pending.Count > 0)
                {
                    throw new BulkPublishFailedException(pending.Count);
                }

                return true;
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The policy gave up. After a failed attempt its failures are recorded; when the policy itself refused
            // (an open circuit breaker, a timeout), every entry not yet published failed with its reason.
            if (e is not BulkPublishFailedException)
            {
                foreach (var e2 in pending)
                {
                    failures.TryAdd(e2.EntryId, e.Message);
                }
            }
        }

        var failed = entries.Where(e => failures.ContainsKey(e.EntryId)).Select(e => (e.EntryId, failures[e.EntryId])).ToList();
        metrics.RecordBulkPublish(entry.Name, topic, failed.Count == 0, entries.Count - failed.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return failed;
    }

    /// <summary>The CloudEvent daprd publishes for a non-raw request; a body that is not a CloudEvent it claims to be is daprd's error.</summary>
    internal static byte[] Envelope(PubSubEntry entry, CloudEventRequest request, IReadOnlyDictionary<string, string> metadata, DateTimeOffset now)
    {
        try
        {
            return CloudEvents.Create(request, metadata, entry.PubSub.Features, now);
        }
        catch (CloudEventFormatException)
        {
            throw DaprErrors.PubsubCloudEventCreation().ToException();
        }
    }

    /// <summary>daprd's validateAndGetPubsubAndTopic, in its order.</summary>
    internal static PubSubEntry Validate(ComponentRegistry registry, string pubsubName, string? topic)
    {
        if (registry.PubSubs.Count == 0)
        {
            throw DaprErrors.PubsubNotConfigured(pubsubName).ToException();
        }

        if (string.IsNullOrEmpty(pubsubName))
        {
            throw DaprErrors.PubsubEmpty().ToException();
        }

        if (!registry.PubSubs.TryGetValue(pubsubName, out var entry))
        {
            throw DaprErrors.PubsubNotFound(pubsubName).ToException();
        }

        if (string.IsNullOrEmpty(topic))
        {
            throw DaprErrors.TopicEmpty(pubsubName).ToException();
        }

        return entry;
    }

    internal static bool IsRawPayload(IReadOnlyDictionary<string, string> metadata)
    {
        try
        {
            return PubSubRequestMetadata.IsRawPayload(metadata);
        }
        catch (FormatException e)
        {
            throw DaprErrors.PubsubMetadataDeserialize(e.Message).ToException();
        }
    }

    // An entry's own metadata wins over the request's; an entry without metadata gets none (daprd does not copy it).
    internal static Dictionary<string, string> EntryMetadata(IReadOnlyDictionary<string, string> request, IReadOnlyDictionary<string, string>? entry)
    {
        if (entry is null)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var merged = new Dictionary<string, string>(entry, StringComparer.Ordinal);
        foreach (var (key, value) in request)
        {
            merged.TryAdd(key, value);
        }

        return merged;
    }

    internal static TraceContext IncomingTrace(HttpRequest request, ConfigurationResource configuration) =>
        TraceContext.ChildOf(
            request.Headers[TraceContext.TraceParentHeader].ToString(),
            request.Headers[TraceContext.TraceStateHeader].ToString(),
            configuration.TracingSamplingRate);

    internal sealed record PendingEntry(string EntryId, byte[] Data, string ContentType, Dictionary<string, string> Metadata);

    private sealed class BulkPublishFailedException(int count) : Exception($"{count} entries failed to publish");
}
