using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace DaprPlatform.Dapr.Grpc.Client;

/// <summary>
/// The client half of one call: sends the framed request, validates the response headers (incl. trailers-only
/// answers), reads framed response messages and turns the final status (or a transport failure) into an exception.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private const string UserAgent = "grpc-csharp-daprplatform/1.0";
    private static readonly MediaTypeHeaderValue GrpcContentType = new(GrpcProtocol.ContentType);

    private readonly GrpcChannel _channel;
    private readonly GrpcMethod<TRequest, TResponse> _method;
    private readonly GrpcCallOptions _options;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource? _linkedCts;
    private readonly CancellationToken _token;

    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private string? _responseEncoding;
    private bool _finished;

    public ClientCall(GrpcChannel channel, GrpcMethod<TRequest, TResponse> method, GrpcCallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;

        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            _deadlineCts = new CancellationTokenSource();
            if (remaining <= TimeSpan.Zero)
            {
                _deadlineCts.Cancel();
            }
            else if (remaining.TotalMilliseconds < uint.MaxValue - 1)
            {
                _deadlineCts.CancelAfter(remaining);
            }

            _linkedCts = options.CancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, _deadlineCts.Token)
                : null;
            _token = _linkedCts?.Token ?? _deadlineCts.Token;
        }
        else
        {
            _token = options.CancellationToken;
        }
    }

    public async Task SendAsync(TRequest request)
    {
        if (_options.Deadline is { } deadline && deadline.ToUniversalTime() <= DateTime.UtcNow)
        {
            throw DeadlineExceeded(null);
        }

        _options.CancellationToken.ThrowIfCancellationRequested();

        var httpRequest = CreateHttpRequest(request);
        try
        {
            _response = await _channel.Invoker.SendAsync(httpRequest, _token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Translate(ex);
        }

        await ValidateResponseHeadersAsync(_response).ConfigureAwait(false);
    }

    /// <summary>The next response message, or null once the call completed with OK.</summary>
    public async ValueTask<TResponse?> ReadNextAsync()
    {
        if (_finished || _reader is null)
        {
            return null;
        }

        TResponse? message;
        try
        {
            message = await GrpcMessageFraming.ReadMessageAsync(
                _reader, _method.ResponseParser, _channel.Options.MaxReceiveMessageSize, _responseEncoding, _token).ConfigureAwait(false);
        }
        catch (GrpcException)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw Translate(ex);
        }

        if (message is not null)
        {
            return message;
        }

        _finished = true;
        var trailers = _response!.TrailingHeaders;
        if (!TryReadStatus(trailers, out var status, out var detail))
        {
            throw new GrpcException(StatusCode.Internal, "No grpc-status found on response.");
        }

        return status == StatusCode.OK ? null : throw new GrpcException(status, detail);
    }

    public void Dispose()
    {
        // Disposing an unfinished response resets the HTTP/2 stream, which cancels the call on the server.
        _reader?.Complete();
        _response?.Dispose();
        _linkedCts?.Dispose();
        _deadlineCts?.Dispose();
    }

    private HttpRequestMessage CreateHttpRequest(TRequest request)
    {
        var content = new ByteArrayContent(GrpcMessageFraming.ToFramedBytes(request, _channel.Options.MaxSendMessageSize));
        content.Headers.ContentType = GrpcContentType;

        var httpRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };

        var headers = httpRequest.Headers;
        headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        headers.TryAddWithoutValidation("User-Agent", UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.IdentityEncoding);

        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline.ToUniversalTime() - DateTime.UtcNow));
        }

        foreach (var (name, value) in _channel.Options.DefaultHeaders)
        {
            headers.TryAddWithoutValidation(name, value);
        }

        if (_options.Headers is { } callHeaders)
        {
            foreach (var (name, value) in callHeaders)
            {
                headers.TryAddWithoutValidation(name, value);
            }
        }

        return httpRequest;
    }

    private async Task ValidateResponseHeadersAsync(HttpResponseMessage response)
    {
        var hasStatus = TryReadStatus(response.Headers, out var status, out var detail);

        if (response.StatusCode != HttpStatusCode.OK)
        {
            // A gRPC server that rejects the request at HTTP level may still say why in grpc-status.
            throw hasStatus && status != StatusCode.OK
                ? new GrpcException(status, detail)
                : new GrpcException(MapHttpStatus(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}");
        }

        if (hasStatus)
        {
            // Trailers-only response: no messages follow.
            _finished = true;
            if (status != StatusCode.OK)
            {
                throw new GrpcException(status, detail);
            }

            return;
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new GrpcException(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}");
        }

        _responseEncoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var encodings) ? encodings.FirstOrDefault() : null;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(_token).ConfigureAwait(false);
            _reader = PipeReader.Create(stream);
        }
        catch (Exception ex)
        {
            throw Translate(ex);
        }
    }

    private static bool TryReadStatus(HttpHeaders headers, out StatusCode status, out string? detail)
    {
        status = StatusCode.Unknown;
        detail = null;
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var values))
        {
            return false;
        }

        var raw = values.FirstOrDefault();
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            status = StatusCode.Unknown;
            detail = $"Unexpected grpc-status value: {raw}";
            return true;
        }

        status = (StatusCode)code;
        if (headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages))
        {
            detail = GrpcStatusMessage.Decode(messages.First());
        }

        return true;
    }

    private Exception Translate(Exception exception)
    {
        if (_deadlineCts?.IsCancellationRequested == true)
        {
            return DeadlineExceeded(exception);
        }

        if (_options.CancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException($"The gRPC call {_method.FullName} was cancelled.", exception, _options.CancellationToken);
        }

        return exception switch
        {
            OperationCanceledException => new GrpcException(StatusCode.Cancelled, "The call was cancelled.", exception),
            HttpProtocolException { ErrorCode: 0x8 } => new GrpcException(StatusCode.Cancelled, "The server cancelled the call.", exception),
            HttpProtocolException { ErrorCode: 0x7 } => new GrpcException(StatusCode.Unavailable, "The server refused the stream.", exception),
            HttpProtocolException protocol => new GrpcException(StatusCode.Internal, $"HTTP/2 error: {protocol.Message}", exception),
            HttpRequestException or IOException => new GrpcException(StatusCode.Unavailable, $"Error talking to {_channel.Address}: {exception.Message}", exception),
            _ => exception,
        };
    }

    private static GrpcException DeadlineExceeded(Exception? inner) => new(StatusCode.DeadlineExceeded, "Deadline Exceeded", inner);

    // https://github.com/grpc/grpc/blob/master/doc/http-grpc-status-mapping.md
    private static StatusCode MapHttpStatus(HttpStatusCode statusCode) => statusCode switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };
}
