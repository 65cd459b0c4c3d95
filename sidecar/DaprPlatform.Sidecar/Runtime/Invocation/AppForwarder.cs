using Microsoft.AspNetCore.Http.Features;
using DaprPlatform.Sidecar.Runtime.PubSub;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// Calls a method of this sidecar's own app through the <see cref="AppChannel"/> (which adds APP_API_TOKEN; a
/// dapr-api-token sent by the caller is never passed on), the last hop of every invocation: from another sidecar,
/// or from the app to itself.
/// </summary>
public sealed class AppForwarder(AppChannel channel)
{
    public bool HasApp => channel.HasApp;

    /// <summary>The request to the app: same verb, the method as path plus the caller's query, headers passed on.</summary>
    public HttpRequestMessage CreateRequest(HttpRequest incoming, string method, HttpContent? body, bool keepIdentity, TraceContext trace)
    {
        var request = channel.CreateRequest(HttpMethod.Parse(incoming.Method), "/" + MethodPath.Escape(method) + incoming.QueryString.Value);
        request.Content = body;
        InvocationHeaders.CopyRequestHeaders(incoming.Headers, request, keepIdentity);
        InvocationHeaders.StampTrace(request, trace);
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        channel.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    /// <summary>The body to pass on, streamed; null for a request without one.</summary>
    public static StreamingBodyContent? StreamedBody(HttpRequest request) =>
        HasBody(request) ? new StreamingBodyContent(request.Body, request.ContentLength) : null;

    /// <summary>Whether the request carries a body (Content-Length above zero, or chunked / HTTP/2 data).</summary>
    public static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);
}
