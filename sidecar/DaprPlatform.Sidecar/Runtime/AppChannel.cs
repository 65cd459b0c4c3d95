using System.Net;
using System.Net.Sockets;
using DaprPlatform.Sidecar.Api;
using DaprPlatform.Sidecar.Hosting;

namespace DaprPlatform.Sidecar.Runtime;

/// <summary>
/// The sidecar's one connection pool to its app. Every request to the app carries <c>dapr-api-token</c> when
/// APP_API_TOKEN is set, whatever the reason for the call (invocation, delivery, /dapr/subscribe).
/// </summary>
public sealed class AppChannel : IDisposable
{
    // Called directly rather than through HttpClient (see PeerClient): no per-call wrapper or linked token source.
    private readonly HttpMessageInvoker _invoker;
    private readonly SidecarOptions _options;
    private readonly string? _baseUrl;

    public AppChannel(SidecarOptions options)
    {
        _options = options;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxConnectionsPerServer = options.AppMaxConcurrency > 0 ? options.AppMaxConcurrency : int.MaxValue,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            EnableMultipleHttp2Connections = true,
            // daprd does not verify the app's certificate on an https app channel.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        }.PassingHeaderBytes();
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        var scheme = options.AppProtocol == "https" ? "https" : "http";
        _baseUrl = options.AppPort is { } port ? $"{scheme}://{options.AppChannelAddress}:{port}" : null;
        BaseAddress = _baseUrl is null ? null : new Uri(_baseUrl);
    }

    public bool HasApp => BaseAddress is not null;

    public Uri? BaseAddress { get; }

    /// <summary>A request to the app; <paramref name="pathAndQuery"/> gets a leading slash if it lacks one, as in daprd.</summary>
    public HttpRequestMessage CreateRequest(HttpMethod method, string pathAndQuery)
    {
        if (_baseUrl is null)
        {
            throw new InvalidOperationException("this sidecar has no app (no --app-port)");
        }

        // Appended rather than resolved against BaseAddress: a path starting with "//" stays a path.
        var url = pathAndQuery.StartsWith('/') ? _baseUrl + pathAndQuery : string.Concat(_baseUrl, "/", pathAndQuery);
        var request = new HttpRequestMessage(method, new Uri(url));
        if (_options.AppProtocol == "h2c")
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        if (_options.AppApiToken is { } token)
        {
            request.Headers.TryAddWithoutValidation(ApiTokenMiddleware.HeaderName, token);
        }

        return request;
    }

    /// <summary>
    /// Sends a request to the app. With <see cref="HttpCompletionOption.ResponseHeadersRead"/> the body is left to
    /// the caller to stream; otherwise it has been read whole when the task completes.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken) =>
        completion == HttpCompletionOption.ResponseHeadersRead
            ? _invoker.SendAsync(request, cancellationToken)
            : SendBufferedAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendBufferedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await _invoker.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the app's port accepts connections, as daprd does before it talks to the app.</summary>
    public async Task WaitForAppPortAsync(CancellationToken cancellationToken)
    {
        if (BaseAddress is null)
        {
            return;
        }

        while (true)
        {
            try
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(1));
                await socket.ConnectAsync(BaseAddress.Host, BaseAddress.Port, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
    }

    public void Dispose() => _invoker.Dispose();
}
