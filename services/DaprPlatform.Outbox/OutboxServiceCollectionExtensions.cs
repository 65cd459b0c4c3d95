using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>
    /// Runs the dispatcher for <typeparamref name="TContext"/>'s outbox (mapped with <see cref="OutboxModel.AddOutbox"/>),
    /// with <see cref="OutboxOptions"/> from the "Outbox" configuration section. Needs a DaprClient and a TimeProvider.
    /// </summary>
    public static IServiceCollection AddOutboxDispatcher<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        services.AddOptions<OutboxOptions>().BindConfiguration("Outbox");
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<OutboxDispatcher<TContext>>();
        return services;
    }
}
