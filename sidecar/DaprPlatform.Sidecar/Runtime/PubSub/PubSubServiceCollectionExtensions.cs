namespace DaprPlatform.Sidecar.Runtime.PubSub;

public static class PubSubServiceCollectionExtensions
{
    /// <summary>Publishing (the adapter) and subscribing (the manager and its delivery to the app).</summary>
    public static IServiceCollection AddPubSubRuntime(this IServiceCollection services)
    {
        services.AddSingleton<PubSubPublisher>();
        services.AddSingleton<AppEventPoster>();
        services.AddSingleton<BulkEventPoster>();
        services.AddSingleton<ProgrammaticSubscriptionClient>();
        services.AddHostedService<SubscriptionManager>();
        return services;
    }
}
