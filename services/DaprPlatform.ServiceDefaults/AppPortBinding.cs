using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Listens where the run file says the app is: `dapr run` (and dapr-dev) give the app its port as APP_PORT, so
/// dapr.yaml is the one place that names it. Explicit URLs (ASPNETCORE_URLS, --urls, ASPNETCORE_HTTP_PORTS, as
/// containers set) win.
/// </summary>
public static class AppPortBinding
{
    public static TBuilder UseAppPort<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"])
            && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"])
            && int.TryParse(configuration["APP_PORT"], out var port) && port is > 0 and < 65536)
        {
            // The sidecar next to the app is its only caller: loopback, unless APP_CHANNEL_ADDRESS says otherwise.
            var host = configuration["APP_CHANNEL_ADDRESS"] is { Length: > 0 } address ? address : "127.0.0.1";
            configuration["urls"] = $"http://{host}:{port}";
        }

        return builder;
    }
}
