using Dapr.Client;

namespace DaprPlatform.Gateway.Services;

public static class ServicesExtensions
{
    private static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The aggregated endpoint's clients: one invocation client for the gateway's lifetime.</summary>
    public static IHostApplicationBuilder AddOrderDetails(this IHostApplicationBuilder builder)
    {
        // The DaprClient's invokable client knows the sidecar's endpoint and dapr-api-token from configuration.
        builder.Services.AddSingleton(services =>
        {
            var http = services.GetRequiredService<DaprClient>().CreateInvokableHttpClient();
            http.Timeout = InvocationTimeout;
            return new InvocationClient(http);
        });
        builder.Services.AddSingleton<OrderDetailsService>();
        return builder;
    }
}
