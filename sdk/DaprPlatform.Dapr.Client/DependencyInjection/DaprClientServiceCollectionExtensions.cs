using DaprPlatform.Dapr.Client.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Dapr.Client;

public static class DaprClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="DaprClient"/> over the named <see cref="IHttpClientFactory"/> client
    /// <see cref="DaprClient.HttpClientName"/>. Options start from the environment (<c>DAPR_HTTP_ENDPOINT</c>,
    /// <c>DAPR_HTTP_PORT</c>, <c>DAPR_API_TOKEN</c>) and <paramref name="configure"/> runs after that.
    /// The returned builder can add handlers to the sidecar connection.
    /// </summary>
    public static IHttpClientBuilder AddDaprClient(this IServiceCollection services, Action<DaprClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<DaprClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // The client lives for the app's lifetime and holds one HttpClient, so the handler must never be recycled
        // under it; SocketsHttpHandler's own PooledConnectionLifetime handles connection refresh instead.
        var builder = services.AddHttpClient(DaprClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(DaprHttpMessageHandlerFactory.Create)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.TryAddSingleton(static provider => new DaprClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(DaprClient.HttpClientName),
            provider.GetRequiredService<IOptions<DaprClientOptions>>().Value));

        return builder;
    }

    /// <summary>
    /// Routes this named/typed client through the Dapr sidecar: request URIs name the target app as host
    /// (<c>http://catalog/api/products</c>). Uses the same <see cref="DaprClientOptions"/> as <see cref="AddDaprClient"/>.
    /// </summary>
    public static IHttpClientBuilder AddDaprInvocation(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DaprClientOptions>();
        return builder.AddHttpMessageHandler(static provider =>
            new DaprInvocationHandler(provider.GetRequiredService<IOptions<DaprClientOptions>>().Value));
    }
}
