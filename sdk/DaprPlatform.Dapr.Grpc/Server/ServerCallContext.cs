using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>What a handler knows about the call: method, deadline, cancellation and the request metadata.</summary>
public sealed class ServerCallContext
{
    private readonly Func<Task> _writeResponseHeaders;

    internal ServerCallContext(
        HttpContext httpContext,
        string method,
        DateTime deadline,
        CancellationToken cancellationToken,
        Func<Task> writeResponseHeaders)
    {
        HttpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        _writeResponseHeaders = writeResponseHeaders;
    }

    /// <summary>The full method path, e.g. <c>/TaskHubSidecarService/GetWorkItems</c>.</summary>
    public string Method { get; }

    /// <summary>The call deadline from <c>grpc-timeout</c> (UTC), or <see cref="DateTime.MaxValue"/> when none was sent.</summary>
    public DateTime Deadline { get; }

    /// <summary>
    /// Cancelled when the client cancels/disconnects or the deadline passes, and for server-streaming calls also when
    /// the host stops (the call then ends with UNAVAILABLE, which clients take as "reconnect").
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Request metadata (HTTP/2 headers), e.g. <c>dapr-api-token</c>.</summary>
    public IHeaderDictionary RequestHeaders => HttpContext.Request.Headers;

    public HttpContext HttpContext { get; }

    /// <summary>Returns a metadata value, or null when the header is absent.</summary>
    public string? GetRequestHeader(string name) =>
        HttpContext.Request.Headers.TryGetValue(name, out var values) ? values.ToString() : null;

    /// <summary>
    /// Sends the response headers now. A server-streaming handler that may wait long before its first message calls
    /// this so the client sees the stream as established; afterwards errors go in trailers, not trailers-only.
    /// </summary>
    public Task WriteResponseHeadersAsync() => _writeResponseHeaders();
}
