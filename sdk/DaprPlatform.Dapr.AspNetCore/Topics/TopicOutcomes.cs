using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// Maps a subscribed handler's outcome onto daprd's delivery contract (HTTP 200 with a status body):
/// <list type="bullet">
/// <item>The handler's own answer passes through unchanged (<see cref="TopicResults"/>; any other 2xx counts as SUCCESS for daprd).</item>
/// <item>An exception becomes <c>RETRY</c>: the failure may be transient, so daprd redelivers per its resiliency policy.</item>
/// <item>Event data that cannot be bound (a malformed envelope, invalid JSON, a type mismatch, missing data: binding's
/// 400/415, or <see cref="BadHttpRequestException"/>) becomes <c>DROP</c>: redelivery cannot fix a poison message, and daprd
/// moves dropped messages to the dead-letter topic when one is configured. A handler answering 400 without a body is treated the same.</item>
/// </list>
/// Answers whose body has already started are left alone.
/// </summary>
internal static partial class TopicOutcomes
{
    public static async Task InvokeAsync(RequestDelegate next, HttpContext context, TopicAttribute topic, CloudEventEnvelope? envelope, ILogger logger)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            Log.EventDropped(logger, envelope?.Id, topic.Name, topic.PubsubName, ex.Message);
            await WriteAsync(context, TopicResponse.Drop);
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            Log.HandlerFailed(logger, ex, envelope?.Id, topic.Name, topic.PubsubName);
            await WriteAsync(context, TopicResponse.Retry);
            return;
        }

        if (!context.Response.HasStarted && context.Response.StatusCode is StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType)
        {
            Log.EventDropped(logger, envelope?.Id, topic.Name, topic.PubsubName, $"the event data was rejected with status {context.Response.StatusCode}");
            await WriteAsync(context, TopicResponse.Drop);
        }
    }

    public static Task WriteAsync(HttpContext context, TopicResponse response)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
        return context.Response.WriteAsJsonAsync(response, DaprAspNetCoreJsonContext.Default.TopicResponse, cancellationToken: context.RequestAborted);
    }

    internal static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Handler for topic {Topic} on {PubsubName} failed for event {EventId}; answering RETRY")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, string? eventId, string topic, string pubsubName);

        [LoggerMessage(2, LogLevel.Warning, "Dropping event {EventId} on topic {Topic} of {PubsubName}: {Reason}")]
        public static partial void EventDropped(ILogger logger, string? eventId, string topic, string pubsubName, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Rejected an invalid CloudEvent sent to {Path}: {Reason}")]
        public static partial void InvalidCloudEvent(ILogger logger, PathString path, string reason);
    }
}
