using Dapr.Client;
using DaprPlatform.Gateway.Infrastructure;

namespace DaprPlatform.Gateway.Services;

public static class ServicesExtensions
{
    private static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(10);

    // A ready app answers /readyz in milliseconds; one that takes longer is reported, not waited for.
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(3);

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

    /// <summary>The health endpoint's clients: invocation through the sidecar, and the sidecar's own healthz.</summary>
    public static IHostApplicationBuilder AddPlatformHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services =>
        {
            var invocation = services.GetRequiredService<DaprClient>().CreateInvokableHttpClient();
            invocation.Timeout = HealthTimeout;
            var dapr = services.GetRequiredService<DaprSidecar>();
            var sidecar = new HttpClient { BaseAddress = dapr.HttpEndpoint, Timeout = HealthTimeout };
            if (dapr.ApiToken is { } token)
            {
                sidecar.DefaultRequestHeaders.Add("dapr-api-token", token);
            }

            return new PlatformHealthService(invocation, sidecar, services.GetRequiredService<TimeProvider>());
        });
        return builder;
    }
}
