using Dapr.Client;

namespace DaprPlatform.WebConsole.Gateway;

/// <summary>
/// The one HTTP client to the gateway, shared by every circuit: http://gateway/... goes to this app's sidecar, which
/// invokes app id "gateway". No gateway address is configured anywhere: the sidecar finds it, wherever it runs.
/// </summary>
public sealed class GatewayChannel(HttpClient http)
{
    public const string AppId = "gateway";

    public HttpClient Http { get; } = http;
}

public static class GatewayClientExtensions
{
    public static TBuilder AddGatewayClient<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(_ =>
        {
            var http = DaprClient.CreateInvokeHttpClient(GatewayChannel.AppId);
            // A page waits for its data: a gateway that hangs becomes a message, not a spinner forever.
            http.Timeout = TimeSpan.FromSeconds(30);
            return new GatewayChannel(http);
        });
        builder.Services.AddScoped<GatewayClient>();
        return builder;
    }
}
