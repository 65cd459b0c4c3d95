using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;

namespace DaprPlatform.Gateway.Infrastructure;

/// <summary>
/// The client's address behind a reverse proxy (the Kubernetes ingress): the rate limits per IP and the request log
/// need the caller, not the proxy every connection then comes from. X-Forwarded-For is believed only from the
/// networks in <c>Gateway:TrustedProxies</c> (CIDR, e.g. the ingress controller's pod network) and only its last hop,
/// so a client cannot pick its own address. With none configured the headers are ignored: the gateway is then the
/// edge itself (ASP.NET Core's middleware would trust every sender if given no networks, so it is not added at all).
/// </summary>
public static class TrustedProxies
{
    public const string SectionName = "Gateway:TrustedProxies";

    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        var networks = Networks(builder.Configuration);
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = 1;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }

    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (Networks(app.Configuration).Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    private static List<IPNetwork> Networks(IConfiguration configuration)
    {
        var networks = new List<IPNetwork>();
        foreach (var value in configuration.GetSection(SectionName).Get<string[]>() ?? [])
        {
            if (!IPNetwork.TryParse(value, out var network))
            {
                throw new InvalidOperationException($"{SectionName} holds '{value}', which is not a network in CIDR notation (e.g. 10.0.0.0/8).");
            }

            networks.Add(network);
        }

        return networks;
    }
}
