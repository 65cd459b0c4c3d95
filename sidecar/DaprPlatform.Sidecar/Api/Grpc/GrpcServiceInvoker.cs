using System.Globalization;
using System.Net;
using System.Text.Json;
using DaprPlatform.Sidecar.Grpc.Runtime;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace DaprPlatform.Sidecar.Api.Grpc;

/// <summary>
/// The gRPC API's InvokeService for HTTP apps, mapped as daprd maps it (HTTPExtension verb and query string, the
/// data's bytes and content type, metadata as headers) and sent through the sidecar's own HTTP invoke API, so ACLs,
/// resiliency, tracing and metrics are the ones every invocation gets.
/// </summary>
/// <remarks>
/// As in daprd, an app's non-2xx answer becomes the gRPC status its HTTP code maps to, with the status text as message
/// and the <c>dapr-http-status</c> header; a failure to invoke (resolution, ACL, missing HTTP extension) is INTERNAL
/// "failed to invoke, id: ..., err: ...". Through the loopback the sidecar's own errors are told from the app's by
/// their daprd error body (<c>{"errorCode":"ERR_...","message"}</c>); an app answering with such a body would be
/// taken for one. daprd's ErrorInfo detail (http.code, http.error_message) is not attached.
/// </remarks>
public sealed class GrpcServiceInvoker : IDisposable
{
    private const string HttpStatusTrailer = "dapr-http-status";

    // Headers of the gRPC call that describe the call itself rather than the invocation.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "user-agent", "host", "content-length",
        ApiTokenMiddleware.HeaderName,
    };

    private readonly HttpMessageInvoker _http;
    private readonly Uri _baseUri;
    private readonly string? _apiToken;

    public GrpcServiceInvoker(SidecarOptions options)
    {
        _http = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        }.PassingHeaderBytes());
        _baseUri = new Uri($"http://{LoopbackHost(options.ListenAddress)}:{options.HttpPort.ToString(CultureInfo.InvariantCulture)}/");
        _apiToken = options.ApiToken;
    }

    public async Task<InvokeResponse> InvokeAsync(InvokeServiceRequest request, ServerCallContext context)
    {
        var message = request.Message ?? throw DaprErrors.Malformed("missing message in InvokeServiceRequest").ToException();
        if (string.IsNullOrEmpty(request.Id))
        {
            throw DaprErrors.DirectInvokeNoAppId().ToException();
        }

        // daprd's HTTP app channel needs the extension: it says which verb to call the app with.
        if (message.HttpExtension is null)
        {
            throw FailedToInvoke(request.Id, "rpc error: code = InvalidArgument desc = missing HTTP extension field");
        }

        var verb = message.HttpExtension.Verb;
        if (verb is HTTPExtension.Types.Verb.None or HTTPExtension.Types.Verb.Connect)
        {
            throw FailedToInvoke(request.Id, "rpc error: code = InvalidArgument desc = invalid HTTP verb");
        }

        var path = $"v1.0/invoke/{Uri.EscapeDataString(request.Id)}/method/{message.Method.TrimStart('/')}";
        var query = message.HttpExtension?.Querystring;
        using var outgoing = new HttpRequestMessage(
            new HttpMethod(verb.ToString().ToUpperInvariant()),
            new Uri(_baseUri, string.IsNullOrEmpty(query) ? path : path + "?" + query.TrimStart('?')));

        foreach (var header in context.GetHttpContext().Request.Headers)
        {
            if (!header.Key.StartsWith(':') && !header.Key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) && !NotForwarded.Contains(header.Key))
            {
                outgoing.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        if (_apiToken is not null)
        {
            outgoing.Headers.TryAddWithoutValidation(ApiTokenMiddleware.HeaderName, _apiToken);
        }

        if (message.Data is { } data && (data.Value.Length > 0 || !string.IsNullOrEmpty(message.ContentType)))
        {
            outgoing.Content = new ReadOnlyMemoryContent(data.Value.Memory);
            if (!string.IsNullOrEmpty(message.ContentType))
            {
                outgoing.Content.Headers.TryAddWithoutValidation("Content-Type", message.ContentType);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(outgoing, context.CancellationToken);
        }
        catch (HttpRequestException e)
        {
            // What the caller's message cannot be sent as (a content type with a line break): daprd's app channel
            // fails the call the same way.
            throw FailedToInvoke(request.Id, e.Message);
        }

        using var _ = response;
        var body = await response.Content.ReadAsByteArrayAsync(context.CancellationToken);
        var status = (int)response.StatusCode;
        var contentType = response.Content.Headers.ContentType?.ToString() ?? "";
        await context.WriteResponseHeadersAsync(new Metadata { { HttpStatusTrailer, status.ToString(CultureInfo.InvariantCulture) } });
        if (status is < 200 or > 299)
        {
            throw SidecarError(body) is { } error
                ? error.ErrorCode == "ERR_DIRECT_INVOKE" ? new RpcException(new Status(StatusCode.Internal, error.Message)) : FailedToInvoke(request.Id, error.Message)
                : new RpcException(new Status(CodeFromHttp(status), ReasonPhrase(status)));
        }

        return new InvokeResponse
        {
            Data = new Any { Value = ByteString.CopyFrom(body) },
            ContentType = contentType,
        };
    }

    public void Dispose() => _http.Dispose();

    private static RpcException FailedToInvoke(string appId, string error) =>
        new(new Status(StatusCode.Internal, $"failed to invoke, id: {appId}, err: {error}"));

    /// <summary>The sidecar's own error, when the body is daprd's <c>{"errorCode":"ERR_...","message":...}</c>.</summary>
    private static (string ErrorCode, string Message)? SidecarError(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("errorCode", out var code) && code.ValueKind == JsonValueKind.String
                && code.GetString()!.StartsWith("ERR_", StringComparison.Ordinal)
                && json.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
            {
                return (code.GetString()!, text.GetString()!);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static string ReasonPhrase(int status) =>
        ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } text ? text : status.ToString(CultureInfo.InvariantCulture);

    /// <summary>daprd's invokev1.CodeFromHTTPStatus (its own table: 400 is INTERNAL and 500 UNKNOWN there).</summary>
    internal static StatusCode CodeFromHttp(int status) => status switch
    {
        >= 200 and < 300 => StatusCode.OK,
        408 => StatusCode.Cancelled,
        500 => StatusCode.Unknown,
        400 => StatusCode.Internal,
        504 => StatusCode.DeadlineExceeded,
        404 => StatusCode.NotFound,
        409 => StatusCode.AlreadyExists,
        403 => StatusCode.PermissionDenied,
        401 => StatusCode.Unauthenticated,
        429 => StatusCode.ResourceExhausted,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    private static string LoopbackHost(string listenAddress)
    {
        var first = listenAddress.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "127.0.0.1";
        return first switch
        {
            "localhost" or "0.0.0.0" or "" => "127.0.0.1",
            "::" => "[::1]",
            _ when IPAddress.TryParse(first, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"[{first}]",
            _ => first,
        };
    }
}
