using System.Buffers;

namespace DaprPlatform.Gateway.Infrastructure;

/// <summary>
/// Every request gets an <c>X-Request-Id</c>: the caller's when it is a sane token, else a new one. It is set on the
/// request (so the proxy and the aggregated endpoint pass it on), on the response, and as the trace identifier.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-Id";
    private const int MaxLength = 128;

    // Letters, digits and a few separators: enough for GUIDs, ULIDs and trace ids, nothing that could forge a log line or a header.
    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    public Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName];
        var requestId = incoming.Count == 1 && IsSane(incoming[0]) ? incoming[0]! : Guid.NewGuid().ToString("N");

        context.Request.Headers[HeaderName] = requestId;
        context.TraceIdentifier = requestId;
        // Set when the response starts, so neither a proxied service's own header nor an error page replaces it.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = requestId;
            return Task.CompletedTask;
        });
        return next(context);
    }

    private static bool IsSane(string? value) =>
        value is { Length: > 0 and <= MaxLength } && !value.AsSpan().ContainsAnyExcept(Allowed);
}
