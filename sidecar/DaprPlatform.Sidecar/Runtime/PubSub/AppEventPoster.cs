using System.Net.Http.Headers;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// Posts one event to the app (daprd's HTTP postman): <c>POST /{path}</c> with the broker payload as
/// <c>application/cloudevents+json</c>, the message metadata as headers, the event's trace context and the app
/// token (added by <see cref="AppChannel"/>); the answer is read as <see cref="AppResponseInterpreter"/> says.
/// </summary>
public sealed class AppEventPoster(AppChannel channel)
{
    // Headers the message metadata must not set: framing is ours, and the trace headers come from the event.
    private static readonly HashSet<string> SkippedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", TraceContext.TraceParentHeader, TraceContext.TraceStateHeader, "grpc-trace-bin",
        "dapr-app-id", "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
    };

    private static readonly MediaTypeHeaderValue CloudEventContentType = new(ContentTypes.CloudEvent);

    public async Task<DeliveryOutcome> PostAsync(
        string path, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> headers, TraceContext? trace, string eventId, CancellationToken ct)
    {
        using var request = channel.CreateRequest(HttpMethod.Post, path);
        request.Content = new ReadOnlyMemoryContent(data);
        request.Content.Headers.ContentType = CloudEventContentType;
        foreach (var (name, value) in headers)
        {
            if (!SkippedHeaders.Contains(name) && !name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (trace is not null)
        {
            request.Headers.TryAddWithoutValidation(TraceContext.TraceParentHeader, trace.TraceParent);
            if (trace.TraceState.Length > 0)
            {
                request.Headers.TryAddWithoutValidation(TraceContext.TraceStateHeader, trace.TraceState);
            }
        }

        try
        {
            using var response = await channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            return AppResponseInterpreter.Interpret((int)response.StatusCode, body, eventId);
        }
        catch (HttpRequestException e)
        {
            return new DeliveryOutcome(
                DeliveryStatus.Retry, $"error returned from app channel while sending pub/sub event to app: {e.Message}");
        }
    }
}
