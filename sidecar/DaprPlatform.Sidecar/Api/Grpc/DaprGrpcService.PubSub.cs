using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Grpc.Runtime;
using DaprPlatform.Sidecar.Runtime.PubSub;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprPlatform.Sidecar.Api.Grpc;

using BulkPublishResponse = DaprPlatform.Sidecar.Grpc.Runtime.BulkPublishResponse;

/// <summary>PublishEvent and bulk publish, with the validation, envelopes and scoping of the HTTP publish API.</summary>
public sealed partial class DaprGrpcService
{
    public override async Task<Empty> PublishEvent(PublishEventRequest request, ServerCallContext context)
    {
        var entry = PublishEndpoints.Validate(Registry, request.PubsubName, request.Topic);
        var metadata = request.Metadata;
        var data = PublishEndpoints.IsRawPayload(metadata)
            ? request.Data.ToByteArray()
            : PublishEndpoints.Envelope(
                entry,
                new CloudEventRequest(options.AppId, request.Topic, request.PubsubName, request.DataContentType, request.Data.Memory, IncomingTrace(context)),
                metadata,
                time.GetLocalNow());

        try
        {
            await publisher.PublishAsync(request.PubsubName, new PublishRequest(request.Topic, data, "", metadata), context.CancellationToken);
        }
        catch (PubSubForbiddenException)
        {
            throw DaprErrors.PubsubForbidden(request.Topic, options.AppId).ToException();
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.PublishMessage(request.Topic, request.PubsubName, e.Message).ToException();
        }

        return EmptyResponse;
    }

    public override Task<BulkPublishResponse> BulkPublishEvent(BulkPublishRequest request, ServerCallContext context) =>
        BulkPublishAsync(request, context);

    public override Task<BulkPublishResponse> BulkPublishEventAlpha1(BulkPublishRequest request, ServerCallContext context) =>
        BulkPublishAsync(request, context);

    private async Task<BulkPublishResponse> BulkPublishAsync(BulkPublishRequest request, ServerCallContext context)
    {
        var entry = PublishEndpoints.Validate(Registry, request.PubsubName, request.Topic);
        var raw = PublishEndpoints.IsRawPayload(request.Metadata);
        var entryIds = new HashSet<string>(StringComparer.Ordinal);
        var pending = new List<PublishEndpoints.PendingEntry>(request.Entries.Count);
        foreach (var item in request.Entries)
        {
            if (string.IsNullOrEmpty(item.EntryId) || !entryIds.Add(item.EntryId))
            {
                throw DaprErrors.PubsubMarshalEvents(request.Topic, request.PubsubName, "entryId is duplicated or not present for entry").ToException();
            }

            var metadata = PublishEndpoints.EntryMetadata(request.Metadata, item.Metadata);
            // Each event of a bulk call gets its own child span, so its own traceparent.
            var data = raw
                ? item.Event.ToByteArray()
                : PublishEndpoints.Envelope(
                    entry,
                    new CloudEventRequest(options.AppId, request.Topic, request.PubsubName, item.ContentType, item.Event.Memory, IncomingTrace(context)),
                    metadata,
                    time.GetLocalNow());
            pending.Add(new PublishEndpoints.PendingEntry(item.EntryId, data, item.ContentType, metadata));
        }

        try
        {
            publisher.Resolve(request.PubsubName, request.Topic);
        }
        catch (PubSubForbiddenException)
        {
            throw DaprErrors.PubsubForbidden(request.Topic, options.AppId).ToException();
        }

        var failed = await PublishEndpoints.PublishEntriesAsync(
            entry, request.Topic, pending, calls.Policy(request.PubsubName), metrics, context.CancellationToken);
        // daprd's default bulk publisher (the one for components without native bulk publish) fails the whole call
        // with the first error when any entry failed; gRPC then carries no failedEntries.
        if (failed.Count > 0)
        {
            throw DaprErrors.PublishMessage(request.Topic, request.PubsubName, failed[0].Error).ToException();
        }

        return new BulkPublishResponse();
    }

    private TraceContext IncomingTrace(ServerCallContext context) =>
        PublishEndpoints.IncomingTrace(context.GetHttpContext().Request, resources.Configuration);
}
