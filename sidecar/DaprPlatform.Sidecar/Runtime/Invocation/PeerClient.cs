using System.Net;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// The sidecar's one connection pool for sidecar-to-sidecar calls (daprd uses gRPC streams between sidecars; this
/// sidecar speaks HTTP/1.1 to the callee's internal port with the same streaming behaviour). Connections are kept
/// alive and reused across calls to every peer.
/// </summary>
public sealed class PeerClient : IDisposable
{
    /// <summary>The private route on the internal port that receives calls from other sidecars.</summary>
    public const string InternalInvokePrefix = "/_dapr/internal/invoke/";

    // The handler is called directly (as YARP does), without HttpClient's per-call layer: its async wrapper and
    // linked cancellation source are allocations on every proxied call, for a timeout this client does not use.
    private readonly HttpMessageInvoker _invoker;

    public PeerClient()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxConnectionsPerServer = int.MaxValue,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        }.PassingHeaderBytes();
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The internal URL of a method on a peer: the method escaped per segment, then the caller's raw query.</summary>
    public static Uri InvokeUri(string host, int port, string method, string? rawQuery)
    {
        var escaped = MethodPath.Escape(method);
        return new Uri(host.Contains(':', StringComparison.Ordinal)
            ? $"http://[{host}]:{port}{InternalInvokePrefix}{escaped}{rawQuery}"
            : $"http://{host}:{port}{InternalInvokePrefix}{escaped}{rawQuery}");
    }

    /// <summary>Sends the request; the response is returned once its headers arrived, its body still to be read.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    public void Dispose() => _invoker.Dispose();
}
