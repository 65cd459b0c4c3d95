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

    private readonly HttpClient _client;

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
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The internal URL of a method on a peer: the method escaped per segment, then the caller's raw query.</summary>
    public static Uri InvokeUri(string host, int port, string method, string? rawQuery)
    {
        var escaped = MethodPath.Escape(method);
        return new Uri(host.Contains(':', StringComparison.Ordinal)
            ? $"http://[{host}]:{port}{InternalInvokePrefix}{escaped}{rawQuery}"
            : $"http://{host}:{port}{InternalInvokePrefix}{escaped}{rawQuery}");
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    public void Dispose() => _client.Dispose();
}
