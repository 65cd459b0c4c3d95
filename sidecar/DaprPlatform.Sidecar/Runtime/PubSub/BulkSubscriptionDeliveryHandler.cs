using System.Text.Json;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// Delivers one batch of a bulk subscription (daprd runtime/subscription bulkSubscribeTopic): every message becomes an
/// entry with its own id; expired events and events matching no rule are dropped (to the dead-letter topic when there
/// is one); the rest are grouped by route and each route gets ONE request under the component's inbound resiliency
/// policy, a retry re-sending only the entries still failing. SUCCESS and DROP acknowledge an entry (DROP also
/// dead-letters it); RETRY, an unknown or missing status, or a failed request leave it failing. Failing entries go
/// to the dead-letter topic when there is one, else their messages are nacked.
/// </summary>
/// <returns>Per message, in order: null to acknowledge it, or the error that makes the component nack it.</returns>
public sealed partial class BulkSubscriptionDeliveryHandler(
    AppSubscription subscription,
    BulkEventPoster poster,
    PubSubPublisher publisher,
    IResiliencyProvider resiliency,
    TimeProvider time,
    ILogger logger)
{

    public AppSubscription Subscription => subscription;

    public async Task<Exception?[]> DeliverAsync(IReadOnlyList<PubSubMessage> messages, CancellationToken cancellationToken)
    {
        var name = subscription.PubsubName;
        var errors = new Exception?[messages.Count];
        bool rawPayload;
        try
        {
            rawPayload = PubSubRequestMetadata.IsRawPayload(subscription.Metadata);
        }
        catch (FormatException e)
        {
            LogBadMetadata(logger, name, subscription.Topic, e.Message);
            for (var i = 0; i < messages.Count; i++)
            {
                errors[i] = new PubSubDeliveryException(e.Message);
            }

            await DeadLetterFailedAsync(messages, errors, cancellationToken);
            return errors;
        }

        var routes = new Dictionary<string, List<(int Index, BulkEntry Entry)>>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var entryId = Guid.NewGuid().ToString();
            if (!TryPrepare(message, rawPayload, out var eventJson, out var routingEvent, out var problem))
            {
                LogNotACloudEvent(logger, name, subscription.Topic, problem);
                errors[i] = new PubSubDeliveryException(problem);
                continue;
            }

            using (routingEvent)
            {
                var root = routingEvent.RootElement;
                if (!rawPayload && CloudEvents.HasExpired(root, time.GetUtcNow()))
                {
                    LogExpired(logger, entryId);
                    await TryDeadLetterAsync(message, cancellationToken);
                    continue;
                }

                var route = subscription.FindRoute(root);
                if (route is null)
                {
                    LogNoRoute(logger, name, subscription.Topic);
                    await TryDeadLetterAsync(message, cancellationToken);
                    continue;
                }

                var contentType = !string.IsNullOrEmpty(message.ContentType)
                    ? message.ContentType
                    : rawPayload ? ContentTypes.OctetStream : ContentTypes.CloudEvent;
                if (!routes.TryGetValue(route.Path, out var group))
                {
                    routes[route.Path] = group = [];
                }

                group.Add((i, new BulkEntry(entryId, eventJson, contentType, message.Metadata)));
            }
        }

        foreach (var (path, group) in routes)
        {
            await DeliverRouteAsync(path, group, messages, errors, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await DeadLetterFailedAsync(messages, errors, cancellationToken);
        return errors;
    }

    // The entry's event (the CloudEvent, or the raw bytes as a base64 string) and the document routing rules see.
    private bool TryPrepare(PubSubMessage message, bool rawPayload, out ReadOnlyMemory<byte> eventJson, out JsonDocument routingEvent, out string problem)
    {
        problem = "";
        if (rawPayload)
        {
            // Base64 has no character JSON escapes, so quoting it makes the JSON string.
            eventJson = System.Text.Encoding.ASCII.GetBytes($"\"{Convert.ToBase64String(message.Data.Span)}\"");
            routingEvent = JsonDocument.Parse(CloudEvents.FromRawPayload(message.Data.Span, message.Topic, subscription.PubsubName, message.Metadata));
            return true;
        }

        eventJson = message.Data;
        try
        {
            routingEvent = JsonDocument.Parse(message.Data);
        }
        catch (JsonException e)
        {
            routingEvent = null!;
            problem = e.Message;
            return false;
        }

        if (routingEvent.RootElement.ValueKind != JsonValueKind.Object)
        {
            problem = $"a CloudEvent must be a JSON object, not {routingEvent.RootElement.ValueKind}";
            routingEvent.Dispose();
            routingEvent = null!;
            return false;
        }

        return true;
    }

    private async Task DeliverRouteAsync(
        string path, List<(int Index, BulkEntry Entry)> group, IReadOnlyList<PubSubMessage> messages, Exception?[] errors, CancellationToken cancellationToken)
    {
        var pending = group;
        foreach (var (index, entry) in group)
        {
            errors[index] = new PubSubDeliveryException($"response not received, RETRY required while processing bulk subscribe event for entry id: {entry.EntryId}");
        }

        try
        {
            await resiliency.ComponentInbound(subscription.PubsubName).ExecuteAsync(async ct =>
            {
                var result = await poster.PostAsync(path, subscription.PubsubName, subscription.Topic, pending.Select(p => p.Entry).ToList(), ct);
                var stillFailing = new List<(int Index, BulkEntry Entry)>();
                foreach (var (index, entry) in pending)
                {
                    var outcome = EntryOutcome(result, entry.EntryId);
                    switch (outcome.Status)
                    {
                        case DeliveryStatus.Success:
                            errors[index] = null;
                            break;
                        case DeliveryStatus.Drop:
                            LogDropped(logger, outcome.Reason);
                            errors[index] = null;

                            // A 404 drops the whole batch without dead-lettering it (daprd's postman); a DROP status
                            // sends the entry to the dead-letter topic.
                            if (result.All is null)
                            {
                                await TryDeadLetterAsync(messages[index], ct);
                            }

                            break;
                        default:
                            errors[index] = outcome.StatusCode is { } status
                                ? new PubSubAppStatusException(outcome.Reason, status)
                                : new PubSubDeliveryException(outcome.Reason);
                            stillFailing.Add((index, entry));
                            break;
                    }
                }

                pending = stillFailing;
                if (stillFailing.Count > 0)
                {
                    var first = errors[stillFailing[0].Index]!;
                    LogRetriable(logger, subscription.Topic, stillFailing.Count, first.Message);
                    throw first is PubSubAppStatusException status
                        ? new PubSubAppStatusException(status.Message, status.StatusCode!.Value)
                        : new PubSubDeliveryException(first.Message);
                }

                return true;
            }, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The entries still failing keep their errors: dead-lettered or nacked by the caller.
        }
    }

    private static DeliveryOutcome EntryOutcome(BulkPostResult result, string entryId)
    {
        if (result.All is { } all)
        {
            return all;
        }

        return result.Statuses!.GetValueOrDefault(entryId) switch
        {
            AppResponseInterpreter.StatusSuccess => DeliveryOutcome.Succeeded,
            AppResponseInterpreter.StatusDrop => new DeliveryOutcome(DeliveryStatus.Drop, $"DROP status returned from app while processing pub/sub event {entryId}"),
            null => new DeliveryOutcome(DeliveryStatus.Retry, $"response not received, RETRY required while processing bulk subscribe event for entry id: {entryId}"),
            AppResponseInterpreter.StatusRetry or "" => new DeliveryOutcome(DeliveryStatus.Retry, $"RETRY required while processing bulk subscribe event for entry id: {entryId}"),
            var other => new DeliveryOutcome(DeliveryStatus.Retry, $"unknown status returned from app while processing bulk subscribe event {entryId}: {other}"),
        };
    }

    // daprd sends the failing entries to the dead-letter topic and, when that works, acknowledges them.
    private async Task DeadLetterFailedAsync(IReadOnlyList<PubSubMessage> messages, Exception?[] errors, CancellationToken ct)
    {
        if (subscription.DeadLetterTopic is null)
        {
            return;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (errors[i] is not null && await TryDeadLetterAsync(messages[i], ct))
            {
                errors[i] = null;
            }
        }
    }

    private Task<bool> TryDeadLetterAsync(PubSubMessage message, CancellationToken ct) =>
        DeadLetters.TrySendAsync(publisher, subscription, message, logger, ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "error deserializing pubsub metadata of bulk subscription {Pubsub}/{Topic}: {Error}")]
    private static partial void LogBadMetadata(ILogger logger, string pubsub, string topic, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "error deserializing one of the messages in bulk cloud event in pubsub {Pubsub} and topic {Topic}: {Error}")]
    private static partial void LogNotACloudEvent(ILogger logger, string pubsub, string topic, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dropping expired pub/sub event in bulk entry {EntryId}")]
    private static partial void LogExpired(ILogger logger, string entryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No matching route for event in pubsub {Pubsub} and topic {Topic}; skipping")]
    private static partial void LogNoRoute(ILogger logger, string pubsub, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bulk delivery to topic {Topic}: {Count} entries need a retry, first error: {Reason}")]
    private static partial void LogRetriable(ILogger logger, string topic, int count, string reason);
}
