using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// Unwraps <c>application/cloudevents+json</c> requests so handlers bind the event's data, and makes subscribed
/// (<see cref="TopicAttribute"/>) endpoints answer in daprd's terms: see <see cref="TopicOutcomes"/>.
/// </summary>
internal sealed class CloudEventsMiddleware(RequestDelegate next, ILogger<CloudEventsMiddleware> logger)
{
    private const string RawPayloadKey = "rawPayload";

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var topic = endpoint?.Metadata.GetMetadata<TopicAttribute>();
        if (!CloudEventReader.IsCloudEvent(context.Request.ContentType))
        {
            await InvokeEndpointAsync(context, topic, envelope: null);
            return;
        }

        UnwrappedCloudEvent cloudEvent;
        try
        {
            cloudEvent = await CloudEventReader.ReadAsync(context.Request.Body, context.RequestAborted);
        }
        catch (InvalidDataException ex)
        {
            await RejectInvalidCloudEventAsync(context, topic, ex);
            return;
        }

        if (topic is not null && IsRawPayloadSubscription(endpoint!, topic))
        {
            cloudEvent = CloudEventReader.LabelRawJsonPayload(cloudEvent);
        }

        var request = context.Request;
        var originalBody = request.Body;
        var originalContentType = request.ContentType;
        var originalContentLength = request.ContentLength;
        var originalBodyDetection = context.Features.Get<IHttpRequestBodyDetectionFeature>();

        request.Body = new MemoryStream(cloudEvent.Data, writable: false);
        request.ContentType = cloudEvent.ContentType;
        request.ContentLength = cloudEvent.Data.Length;
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new BufferedBodyDetectionFeature(cloudEvent.Data.Length > 0));
        context.Features.Set(cloudEvent.Envelope);
        try
        {
            await InvokeEndpointAsync(context, topic, cloudEvent.Envelope);
        }
        finally
        {
            request.Body = originalBody;
            request.ContentType = originalContentType;
            request.ContentLength = originalContentLength;
            context.Features.Set(originalBodyDetection);
        }
    }

    private static bool IsRawPayloadSubscription(Endpoint endpoint, TopicAttribute topic) =>
        (topic.Metadata.TryGetValue(RawPayloadKey, out var value) && IsTrue(value))
        || endpoint.Metadata.GetOrderedMetadata<TopicMetadataAttribute>().Any(entry => entry.Name == RawPayloadKey && IsTrue(entry.Value));

    /// <summary>daprd parses the flag with Go's strconv.ParseBool.</summary>
    private static bool IsTrue(string value) => value is "1" or "t" or "T" || (bool.TryParse(value, out var flag) && flag);

    private Task InvokeEndpointAsync(HttpContext context, TopicAttribute? topic, CloudEventEnvelope? envelope) =>
        topic is null ? next(context) : TopicOutcomes.InvokeAsync(next, context, topic, envelope, logger);

    private async Task RejectInvalidCloudEventAsync(HttpContext context, TopicAttribute? topic, InvalidDataException error)
    {
        if (topic is not null)
        {
            // A malformed envelope will never parse on redelivery either: drop it (to the dead-letter topic, if any).
            TopicOutcomes.Log.EventDropped(logger, null, topic.Name, topic.PubsubName, error.Message);
            await TopicOutcomes.WriteAsync(context, TopicResponse.Drop);
            return;
        }

        TopicOutcomes.Log.InvalidCloudEvent(logger, context.Request.Path, error.Message);
        await TypedResults.Problem(
                title: "Invalid CloudEvent",
                detail: error.Message,
                statusCode: StatusCodes.Status400BadRequest)
            .ExecuteAsync(context);
    }
}
