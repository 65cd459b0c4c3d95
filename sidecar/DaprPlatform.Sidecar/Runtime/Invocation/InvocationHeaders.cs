using System.Net.Http.Headers;
using DaprPlatform.Sidecar.Api;
using DaprPlatform.Sidecar.Runtime.PubSub;
using Microsoft.Extensions.Primitives;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// Which headers travel with an invocation and which the sidecar owns (daprd's messaging/v1 util.go and
/// direct_messaging.go): hop-by-hop headers, Content-Length, <c>*-bin</c> keys and the sidecar's own headers never
/// pass; the caller identity headers are stamped by the calling sidecar, never taken from the app.
/// </summary>
public static class InvocationHeaders
{
    public const string CallerAppId = "dapr-caller-app-id";
    public const string CallerNamespace = "dapr-caller-namespace";
    public const string CalleeAppId = "dapr-callee-app-id";
    public const string DestinationAppId = "destination-app-id";

    /// <summary>Set by a callee sidecar on an error of its own (not the app's), with a gRPC code name.</summary>
    public const string InternalError = "dapr-internal-error";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings", "te",
        "trailer", "proxy-authorization", "proxy-authenticate",
    };

    // Headers the sidecar sets itself (or the HTTP stack does) on the request it sends.
    private static readonly HashSet<string> OwnedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "content-length", "expect", InvocationTarget.AppIdHeader, DestinationAppId, ApiTokenMiddleware.HeaderName,
        TraceContext.TraceParentHeader, TraceContext.TraceStateHeader, InternalError,
    };

    private static readonly HashSet<string> IdentityHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        CallerAppId, CallerNamespace, CalleeAppId,
    };

    /// <summary>
    /// Copies the request headers that travel onward. <paramref name="keepIdentity"/> is true only on the callee
    /// side, where the identity headers were stamped by the calling sidecar.
    /// </summary>
    public static void CopyRequestHeaders(IHeaderDictionary source, HttpRequestMessage target, bool keepIdentity)
    {
        var nominated = ConnectionNominated(source.Connection);
        foreach (var (name, values) in source)
        {
            if (name.StartsWith(':') || HopByHop.Contains(name) || OwnedRequestHeaders.Contains(name)
                || name.EndsWith("-bin", StringComparison.OrdinalIgnoreCase)
                || (nominated is not null && nominated.Contains(name))
                || (!keepIdentity && IdentityHeaders.Contains(name)))
            {
                continue;
            }

            // One value (the usual case) is added as a string: the StringValues is not boxed and enumerated.
            var added = values.Count == 1
                ? target.Headers.TryAddWithoutValidation(name, values[0])
                : target.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            if (!added && target.Content is { } content)
            {
                // Content headers (Content-Type, Content-Encoding...) belong to the body.
                _ = values.Count == 1
                    ? content.Headers.TryAddWithoutValidation(name, values[0])
                    : content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
    }

    /// <summary>
    /// Stamps who calls whom on a request whose headers were copied with <c>keepIdentity: false</c>, so any copies the
    /// app sent are already gone.
    /// </summary>
    public static void StampIdentity(HttpRequestMessage request, string callerNamespace, string callerAppId, string calleeAppId)
    {
        request.Headers.TryAddWithoutValidation(CallerNamespace, callerNamespace);
        request.Headers.TryAddWithoutValidation(CallerAppId, callerAppId);
        request.Headers.TryAddWithoutValidation(CalleeAppId, calleeAppId);
    }

    /// <summary>The span of this hop: the caller's trace id with a new span id, and the caller's tracestate.</summary>
    public static void StampTrace(HttpRequestMessage request, TraceContext trace)
    {
        request.Headers.TryAddWithoutValidation(TraceContext.TraceParentHeader, trace.TraceParent);
        if (trace.TraceState.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(TraceContext.TraceStateHeader, trace.TraceState);
        }
    }

    /// <summary>X-Forwarded-For, X-Forwarded-Host and Forwarded, appended to any the app sent (RFC 7239).</summary>
    public static void StampForwarded(HttpRequestMessage request, HostIdentity host)
    {
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", host.Address);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", host.HostName);
        request.Headers.TryAddWithoutValidation("Forwarded", host.ForwardedValue);
    }

    /// <summary>
    /// Adds the response headers that travel back to the caller, as the target sent them (unparsed), Content-Length
    /// excepted: the relay decides it.
    /// </summary>
    public static void CopyResponseHeaders(HttpResponseMessage response, IHeaderDictionary target)
    {
        var nominated = response.Headers.NonValidated.TryGetValues("Connection", out var connection)
            ? ConnectionNominated(ToStringValues(connection))
            : null;
        CopyResponseHeaders(response.Headers.NonValidated, target, nominated);
        CopyResponseHeaders(response.Content.Headers.NonValidated, target, nominated);
    }

    private static void CopyResponseHeaders(HttpHeadersNonValidated source, IHeaderDictionary target, HashSet<string>? nominated)
    {
        foreach (var (name, values) in source)
        {
            if (HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals(InternalError, StringComparison.OrdinalIgnoreCase)
                || (nominated is not null && nominated.Contains(name)))
            {
                continue;
            }

            target.Append(name, ToStringValues(values));
        }
    }

    // One value (the usual case) is passed on without an array.
    private static StringValues ToStringValues(HeaderStringValues values) =>
        values.Count == 1 ? new StringValues(values.ToString()) : new StringValues([.. values]);

    private static HashSet<string>? ConnectionNominated(StringValues connection)
    {
        if (connection.Count == 0)
        {
            return null;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in connection)
        {
            foreach (var token in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                names.Add(token);
            }
        }

        return names;
    }
}
