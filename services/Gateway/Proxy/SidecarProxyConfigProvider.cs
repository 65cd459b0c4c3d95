using System.Globalization;
using DaprPlatform.Gateway.Infrastructure;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace DaprPlatform.Gateway.Proxy;

/// <summary>
/// The route table with one destination for all of it: the gateway's own sidecar, which invokes the app each route
/// names in <c>dapr-app-id</c>. Nothing addresses a service directly.
/// </summary>
public sealed class SidecarProxyConfigProvider(DaprSidecar sidecar, IConfiguration configuration) : IProxyConfigProvider
{
    private const int DefaultUpstreamTimeoutSeconds = 30;

    private readonly Lazy<IProxyConfig> _config = new(() => new SidecarProxyConfig(
        GatewayRoutes.All,
        [
            new ClusterConfig
            {
                ClusterId = GatewayRoutes.SidecarCluster,
                Destinations = new Dictionary<string, DestinationConfig>
                {
                    ["sidecar"] = new() { Address = sidecar.HttpEndpoint.ToString() },
                },
                // A service that accepts the call and never answers is a 504 after this long, not a hung client.
                HttpRequest = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(UpstreamTimeoutSeconds(configuration)) },
            },
        ]));

    public IProxyConfig GetConfig() => _config.Value;

    private static int UpstreamTimeoutSeconds(IConfiguration configuration) =>
        int.TryParse(configuration["Gateway:UpstreamTimeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : DefaultUpstreamTimeoutSeconds;

    private sealed class SidecarProxyConfig(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        public IReadOnlyList<RouteConfig> Routes => routes;

        public IReadOnlyList<ClusterConfig> Clusters => clusters;

        // The table is code: it never changes while the gateway runs.
        public IChangeToken ChangeToken { get; } = new CancellationChangeToken(CancellationToken.None);
    }
}
