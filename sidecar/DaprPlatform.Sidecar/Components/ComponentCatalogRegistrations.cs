namespace DaprPlatform.Sidecar.Components;

/// <summary>
/// Registers the component types that live in their own folders (Redis, PostgreSQL, RabbitMQ), one line each.
/// </summary>
internal static class ComponentCatalogRegistrations
{
    private static int _done;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref _done, 1) == 1)
        {
            return;
        }

        // Component folders add their registration line here, e.g.
        // ComponentCatalog.Register("state.redis", ["v1"], RedisStateStore.CreateAsync);
        ComponentCatalog.Register("state.redis", ["v1"], State.Redis.RedisStateStore.CreateAsync);
        ComponentCatalog.Register("state.postgresql", State.PostgreSql.PostgreSqlStateStores.Versions, State.PostgreSql.PostgreSqlStateStores.CreateAsync);
        ComponentCatalog.Register("pubsub.rabbitmq", ["v1"], PubSub.RabbitMQ.RabbitMqPubSub.CreateAsync);
    }
}
