namespace DaprPlatform.Dapr.Client.Internal;

/// <summary>The one connection pool a client uses to reach its sidecar.</summary>
internal static class DaprHttpMessageHandlerFactory
{
    public static SocketsHttpHandler Create() => new()
    {
        // The sidecar is local, but recycling connections keeps DNS changes (DAPR_HTTP_ENDPOINT to a service name) visible.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        AllowAutoRedirect = false,
    };
}
