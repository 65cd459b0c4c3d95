using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>
/// The server half of one gRPC call: validates the request, owns the deadline/cancellation token, reads the request
/// message, writes response messages and ends the call with a status (in trailers, or trailers-only before any output).
/// </summary>
internal sealed class ServerCall : IDisposable
{
    // Deadlines beyond what a timer can represent behave as "no deadline".
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly HttpContext _httpContext;
    private readonly GrpcServerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource _callCts;
    private readonly CancellationToken _serverStopping;

    private ServerCall(HttpContext httpContext, string method, GrpcServerOptions options, ILogger logger, TimeSpan? timeout, CancellationToken serverStopping)
    {
        _httpContext = httpContext;
        _options = options;
        _logger = logger;
        _serverStopping = serverStopping;
        Method = method;

        var deadline = DateTime.MaxValue;
        if (timeout is { } t && t < MaxTimerDelay)
        {
            deadline = DateTime.UtcNow + t;
            _deadlineCts = new CancellationTokenSource(t);
            _callCts = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, _deadlineCts.Token, serverStopping);
        }
        else
        {
            _callCts = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, serverStopping);
        }

        Context = new ServerCallContext(httpContext, method, deadline, _callCts.Token, StartResponseAsync);
    }

    public string Method { get; }

    public ServerCallContext Context { get; }

    public CancellationToken CancellationToken => _callCts.Token;

    private bool DeadlineExceeded => _deadlineCts?.IsCancellationRequested == true;

    private HttpResponse Response => _httpContext.Response;

    /// <summary>Starts a call, or answers the request with an error and returns null when it is not a valid gRPC request.</summary>
    /// <param name="serverStopping">Also cancels the call: long-lived streams must not hold up a graceful shutdown.</param>
    public static ServerCall? TryStart(HttpContext httpContext, string method, GrpcServerOptions options, ILogger logger, CancellationToken serverStopping)
    {
        var request = httpContext.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            RejectRequest(httpContext, StatusCodes.Status426UpgradeRequired, $"Request protocol '{request.Protocol}' is not supported.");
            return null;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            RejectRequest(httpContext, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported.");
            return null;
        }

        // Message size is limited per message below; Kestrel's whole-body limit must not cut long calls short.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;

        TimeSpan? timeout = GrpcTimeout.TryParse(request.Headers[GrpcProtocol.TimeoutHeader], out var parsed) ? parsed : null;
        return new ServerCall(httpContext, method, options, logger, timeout, serverStopping);
    }

    /// <summary>Reads the single request message of a unary or server-streaming call.</summary>
    public async Task<TRequest> ReadSingleRequestAsync<TRequest>(MessageParser<TRequest> parser)
        where TRequest : class, IMessage<TRequest>
    {
        var reader = _httpContext.Request.BodyReader;
        string? encoding = _httpContext.Request.Headers[GrpcProtocol.EncodingHeader];
        var request = await GrpcMessageFraming.ReadMessageAsync(reader, parser, _options.MaxReceiveMessageSize, encoding, CancellationToken)
            ?? throw new GrpcException(StatusCode.Internal, "Request message not received.");

        if (await GrpcMessageFraming.ReadMessageAsync(reader, parser, _options.MaxReceiveMessageSize, encoding, CancellationToken) is not null)
        {
            throw new GrpcException(StatusCode.Internal, "Additional data after the request message received.");
        }

        return request;
    }

    public async Task WriteMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        var writer = Response.BodyWriter;
        GrpcMessageFraming.WriteMessage(writer, message, _options.MaxSendMessageSize);
        var result = await writer.FlushAsync(cancellationToken);
        if (result.IsCanceled || _httpContext.RequestAborted.IsCancellationRequested)
        {
            throw new OperationCanceledException(_httpContext.RequestAborted);
        }
    }

    public void ThrowIfDeadlineExceeded()
    {
        if (DeadlineExceeded)
        {
            throw new OperationCanceledException(CancellationToken);
        }
    }

    public void CompleteWithOk() => SetStatus(StatusCode.OK, null);

    /// <summary>Ends the call for an exception from reading, the handler or writing.</summary>
    public void CompleteWithException(Exception exception)
    {
        if (DeadlineExceeded)
        {
            GrpcServerLog.DeadlineExceeded(_logger, Method);
            SetStatus(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            return;
        }

        if (_httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream; nothing can reach it any more.
            GrpcServerLog.CancelledByClient(_logger, Method);
            return;
        }

        if (_serverStopping.IsCancellationRequested && exception is OperationCanceledException)
        {
            // Clients treat UNAVAILABLE as "reconnect later", which is what a restarting server wants.
            SetStatus(StatusCode.Unavailable, "The server is shutting down.");
            return;
        }

        if (exception is GrpcException grpc)
        {
            GrpcServerLog.CallFailed(_logger, Method, grpc.StatusCode, grpc.Detail);
            SetStatus(grpc.StatusCode, grpc.Detail);
            return;
        }

        // Exception details stay in the server log; clients only learn that the handler failed.
        GrpcServerLog.HandlerFailed(_logger, Method, exception);
        SetStatus(StatusCode.Internal, "Exception was thrown by handler.");
    }

    public void Dispose()
    {
        _callCts.Dispose();
        _deadlineCts?.Dispose();
    }

    private Task StartResponseAsync() => Response.HasStarted ? Task.CompletedTask : Response.StartAsync(CancellationToken);

    private void SetStatus(StatusCode statusCode, string? detail)
    {
        var status = ((int)statusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!Response.HasStarted)
        {
            // Trailers-only response: the status travels in the (only) HEADERS frame.
            Response.Headers[GrpcProtocol.StatusHeader] = status;
            if (!string.IsNullOrEmpty(detail))
            {
                Response.Headers[GrpcProtocol.MessageHeader] = GrpcStatusMessage.Encode(detail);
            }

            return;
        }

        Response.AppendTrailer(GrpcProtocol.StatusHeader, status);
        if (!string.IsNullOrEmpty(detail))
        {
            Response.AppendTrailer(GrpcProtocol.MessageHeader, GrpcStatusMessage.Encode(detail));
        }
    }

    private static void RejectRequest(HttpContext httpContext, int httpStatus, string detail)
    {
        var response = httpContext.Response;
        response.StatusCode = httpStatus;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Internal).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageHeader] = GrpcStatusMessage.Encode(detail);
    }
}
