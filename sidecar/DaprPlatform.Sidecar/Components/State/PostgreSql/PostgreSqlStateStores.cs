namespace DaprPlatform.Sidecar.Components.State.PostgreSql;

/// <summary>The state.postgresql factory: spec.version picks daprd's v1 (jsonb, xmin etags) or v2 (bytea, UUID etags) layout.</summary>
public static class PostgreSqlStateStores
{
    public static readonly string[] Versions = ["v1", "v2"];

    public static Task<IAsyncDisposable> CreateAsync(ComponentContext context, CancellationToken cancellationToken) =>
        context.Resource.Version == "v2"
            ? PostgreSqlV2StateStore.CreateAsync(context, cancellationToken)
            : PostgreSqlStateStore.CreateAsync(context, cancellationToken);
}
