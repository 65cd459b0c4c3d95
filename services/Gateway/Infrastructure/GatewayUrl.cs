namespace DaprPlatform.Gateway.Infrastructure;

public static class GatewayUrlExtensions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>
    /// Listens on <c>Gateway:Url</c> (default http://127.0.0.1:8080) unless the host was told where to listen in one of
    /// ASP.NET Core's own ways (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>, Kestrel endpoints).
    /// </summary>
    public static WebApplicationBuilder UseGatewayUrlUnlessConfigured(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var told = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 }
            || configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 }
            || configuration[WebHostDefaults.HttpsPortsKey] is { Length: > 0 }
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (!told)
        {
            builder.WebHost.UseUrls(configuration["Gateway:Url"] is { Length: > 0 } url ? url : DefaultUrl);
        }

        return builder;
    }
}
