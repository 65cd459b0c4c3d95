using DaprPlatform.Dapr.Client;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Dapr.AspNetCore;

public static class DaprServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DaprClient"/> (see <c>AddDaprClient</c>) serializing with the app's HTTP JSON options, so
    /// event data and state round-trip exactly as the app's endpoints read them. <paramref name="configure"/> runs last
    /// and may still replace anything.
    /// </summary>
    public static IServiceCollection AddDapr(this IServiceCollection services, Action<DaprClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<DaprClientOptions>()
            .Configure<IOptions<JsonOptions>>((options, json) => options.JsonSerializerOptions = json.Value.SerializerOptions);
        services.AddDaprClient(configure);

        // Subscriber answers (TopicResponse) must serialize even in apps whose JSON options are source-generated only.
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(DaprAspNetCoreJsonContext.Default));
        return services;
    }
}
