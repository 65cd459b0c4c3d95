namespace DaprPlatform.Gateway.Infrastructure;

/// <summary>
/// The gateway's own sidecar, found as Dapr.Client finds it: <c>DAPR_HTTP_ENDPOINT</c>, else
/// <c>http://127.0.0.1:$DAPR_HTTP_PORT</c> (3500 by default), and the <c>DAPR_API_TOKEN</c> it expects.
/// </summary>
public sealed record DaprSidecar(Uri HttpEndpoint, string? ApiToken)
{
    public const string DefaultHttpPort = "3500";

    public static DaprSidecar FromConfiguration(IConfiguration configuration)
    {
        var port = configuration["DAPR_HTTP_PORT"] is { Length: > 0 } configuredPort ? configuredPort : DefaultHttpPort;
        var endpoint = configuration["DAPR_HTTP_ENDPOINT"] is { Length: > 0 } configured ? configured : $"http://127.0.0.1:{port}";
        return new DaprSidecar(new Uri(endpoint), configuration["DAPR_API_TOKEN"] is { Length: > 0 } token ? token : null);
    }
}
