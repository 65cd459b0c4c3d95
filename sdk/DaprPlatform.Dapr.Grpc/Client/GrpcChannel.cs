using System.Net;
using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace DaprPlatform.Dapr.Grpc.Client;

/// <summary>
/// A gRPC client over <see cref="HttpClient"/> speaking HTTP/2 with prior knowledge (h2c for http:// addresses).
/// Create one per target and reuse it: all calls share its connection pool.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly GrpcChannelOptions _options;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        _options = options;
        _invoker = options.HttpHandler is { } handler
            ? new HttpMessageInvoker(handler, disposeHandler: options.DisposeHttpHandler)
            : new HttpMessageInvoker(CreateDefaultHandler(), disposeHandler: true);
    }

    public Uri Address { get; }

    internal GrpcChannelOptions Options => _options;

    internal HttpMessageInvoker Invoker => _invoker;

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"gRPC address must be http:// or https://, got '{address}'.", nameof(address));
        }

        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    /// <summary>Makes a unary call.</summary>
    /// <exception cref="GrpcException">The call ended with a non-OK status (also for transport failures: UNAVAILABLE).</exception>
    /// <exception cref="OperationCanceledException"><see cref="GrpcCallOptions.CancellationToken"/> was cancelled.</exception>
    public async Task<TResponse> UnaryCallAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method,
        TRequest request,
        GrpcCallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);

        using var call = new ClientCall<TRequest, TResponse>(this, method, options);
        await call.SendAsync(request);
        var response = await call.ReadNextAsync()
            ?? throw new GrpcException(StatusCode.Internal, "Failed to deserialize response message: the response had no message.");
        if (await call.ReadNextAsync() is not null)
        {
            throw new GrpcException(StatusCode.Internal, "The unary call returned more than one response message.");
        }

        return response;
    }

    /// <summary>
    /// Makes a server-streaming call; the call starts when enumeration starts. Stopping the enumeration early
    /// (break / dispose / cancellation) resets the stream, which the server observes as cancellation.
    /// </summary>
    public IAsyncEnumerable<TResponse> ServerStreamingCall<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method,
        TRequest request,
        GrpcCallOptions options = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        return StreamAsync(method, request, options);
    }

    public void Dispose() => _invoker.Dispose();

    private async IAsyncEnumerable<TResponse> StreamAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method,
        TRequest request,
        GrpcCallOptions options,
        [EnumeratorCancellation] CancellationToken enumeratorCancellation = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var linked = enumeratorCancellation.CanBeCanceled && options.CancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(enumeratorCancellation, options.CancellationToken)
            : null;
        var token = linked?.Token ?? (enumeratorCancellation.CanBeCanceled ? enumeratorCancellation : options.CancellationToken);

        using var call = new ClientCall<TRequest, TResponse>(this, method, options with { CancellationToken = token });
        await call.SendAsync(request);
        while (await call.ReadNextAsync() is { } message)
        {
            yield return message;
        }
    }

    private static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        // h2c with prior knowledge cannot go through an HTTP proxy; sidecars are local.
        UseProxy = false,
    };
}
