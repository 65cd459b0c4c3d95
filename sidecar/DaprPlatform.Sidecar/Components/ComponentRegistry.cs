using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Components.Secrets;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Components;

public sealed record StateStoreEntry(string Name, IStateStore Store, StateKeys Keys, ComponentResource Resource, bool IsActorStateStore);

public sealed record PubSubEntry(string Name, IPubSub PubSub, ComponentResource Resource, PubSubScoping Scoping);

public sealed record SecretStoreEntry(string Name, ISecretStore Store, ComponentResource Resource);

/// <summary>
/// The components this sidecar loaded, by building block. Built once at start-up: secret stores first, because the
/// other components' <c>secretKeyRef</c> metadata is resolved through them.
/// </summary>
public sealed partial class ComponentRegistry(
    IReadOnlyDictionary<string, StateStoreEntry> stateStores,
    IReadOnlyDictionary<string, PubSubEntry> pubSubs,
    IReadOnlyDictionary<string, SecretStoreEntry> secretStores,
    IReadOnlyList<ComponentResource> loaded) : IAsyncDisposable
{
    public IReadOnlyDictionary<string, StateStoreEntry> StateStores { get; } = stateStores;

    public IReadOnlyDictionary<string, PubSubEntry> PubSubs { get; } = pubSubs;

    public IReadOnlyDictionary<string, SecretStoreEntry> SecretStores { get; } = secretStores;

    public IReadOnlyList<ComponentResource> Loaded { get; } = loaded;

    /// <summary>The state store marked <c>actorStateStore: "true"</c>, which also holds workflow state.</summary>
    public StateStoreEntry? ActorStateStore { get; } = stateStores.Values.FirstOrDefault(s => s.IsActorStateStore);

    public static async Task<ComponentRegistry> CreateAsync(
        IReadOnlyList<ComponentResource> resources, SidecarOptions options, IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("dapr.runtime.components");
        var stateStores = new Dictionary<string, StateStoreEntry>(StringComparer.Ordinal);
        var pubSubs = new Dictionary<string, PubSubEntry>(StringComparer.Ordinal);
        var secretStores = new Dictionary<string, SecretStoreEntry>(StringComparer.Ordinal);
        var loaded = new List<ComponentResource>();
        var actorStores = 0;

        try
        {
            foreach (var resource in resources.OrderBy(r => r.Category == "secretstores" ? 0 : 1))
            {
                if (!ComponentCatalog.TryGet(resource.Type, resource.Version, out var factory, out var problem))
                {
                    throw new ResourceException(resource.SourceFile, problem.Field, problem.Message);
                }

                IAsyncDisposable instance;
                ComponentMetadata metadata;
                try
                {
                    metadata = await ResolveMetadataAsync(resource, secretStores, options, cancellationToken);
                    var context = new ComponentContext(resource, metadata, options, services);
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(resource.InitTimeout > TimeSpan.Zero ? resource.InitTimeout : TimeSpan.FromSeconds(5));
                    try
                    {
                        instance = await factory(context, timeout.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new ComponentInitException(resource, $"init timed out after {resource.InitTimeout.TotalSeconds:0.#}s");
                    }
                }
                catch (Exception e) when (resource.IgnoreErrors && e is not OperationCanceledException)
                {
                    LogIgnoredInitFailure(logger, resource.Name, resource.Type, e.Message);
                    continue;
                }
                catch (Exception e) when (e is not (ResourceException or ComponentInitException or OperationCanceledException))
                {
                    throw new ComponentInitException(resource, e.Message, e);
                }

                switch (instance)
                {
                    case IStateStore state:
                        var isActor = metadata.GetBool("actorStateStore", false);
                        if (isActor && ++actorStores > 1)
                        {
                            throw new ResourceException(resource.SourceFile, "spec.metadata.actorStateStore", "only one state store may be the actor state store");
                        }

                        StateKeys keys;
                        try
                        {
                            keys = new StateKeys(metadata.GetString("keyPrefix"), options.AppId, resource.Name, options.ExplicitNamespace);
                        }
                        catch (ArgumentException e)
                        {
                            throw new ResourceException(resource.SourceFile, "spec.metadata.keyPrefix", e.Message);
                        }

                        stateStores[resource.Name] = new StateStoreEntry(resource.Name, state, keys, resource, isActor);
                        break;
                    case IPubSub pubsub:
                        pubSubs[resource.Name] = new PubSubEntry(resource.Name, pubsub, resource, PubSubScoping.From(resource, options.AppId));
                        break;
                    case ISecretStore secrets:
                        secretStores[resource.Name] = new SecretStoreEntry(resource.Name, secrets, resource);
                        break;
                    default:
                        await instance.DisposeAsync();
                        throw new ResourceException(resource.SourceFile, "spec.type", $"component type {resource.Type} is not a known building block");
                }

                loaded.Add(resource);
                LogComponentLoaded(logger, resource.Name, resource.Type, resource.Version);
            }
        }
        catch
        {
            foreach (var c in stateStores.Values.Select(s => (IAsyncDisposable)s.Store)
                         .Concat(pubSubs.Values.Select(p => p.PubSub)).Concat(secretStores.Values.Select(s => s.Store)))
            {
                await c.DisposeAsync();
            }

            throw;
        }

        return new ComponentRegistry(stateStores, pubSubs, secretStores, loaded);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var pubsub in PubSubs.Values)
        {
            await pubsub.PubSub.DisposeAsync();
        }

        foreach (var state in StateStores.Values)
        {
            await state.Store.DisposeAsync();
        }

        foreach (var secrets in SecretStores.Values)
        {
            await secrets.Store.DisposeAsync();
        }
    }

    private static async Task<ComponentMetadata> ResolveMetadataAsync(
        ComponentResource resource, Dictionary<string, SecretStoreEntry> secretStores, SidecarOptions options, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var uuid = Guid.NewGuid();
        for (var i = 0; i < resource.Metadata.Count; i++)
        {
            var item = resource.Metadata[i];
            var field = $"spec.metadata[{i}]";
            if (item.SecretKeyRef is { } secretRef)
            {
                var storeName = resource.AuthSecretStore
                    ?? throw new ResourceException(resource.SourceFile, "auth.secretStore", $"is required because {field} ({item.Name}) uses secretKeyRef");
                if (!secretStores.TryGetValue(storeName, out var store))
                {
                    throw new ResourceException(resource.SourceFile, "auth.secretStore", $"secret store '{storeName}' is not loaded (it must be a secretstores.* component in the resources path)");
                }

                IReadOnlyDictionary<string, string> secret;
                try
                {
                    secret = await store.Store.GetSecretAsync(secretRef.Name, new Dictionary<string, string>(), cancellationToken);
                }
                catch (SecretNotFoundException)
                {
                    throw new ResourceException(resource.SourceFile, field + ".secretKeyRef.name", $"secret '{secretRef.Name}' not found in secret store '{storeName}'");
                }

                var key = secretRef.Key ?? secretRef.Name;
                values[item.Name] = secret.TryGetValue(key, out var secretValue)
                    ? secretValue
                    : throw new ResourceException(resource.SourceFile, field + ".secretKeyRef.key", $"secret '{secretRef.Name}' has no key '{key}'");
            }
            else if (item.EnvRef is { } envRef)
            {
                values[item.Name] = Environment.GetEnvironmentVariable(envRef) ?? "";
            }
            else
            {
                values[item.Name] = MetadataTemplates.Expand(item.Value ?? "", options, uuid);
            }
        }

        return new ComponentMetadata(values, resource.SourceFile);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Component loaded: {Name} ({Type}/{Version})")]
    private static partial void LogComponentLoaded(ILogger logger, string name, string type, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Component {Name} ({Type}) failed to initialise and is skipped (ignoreErrors): {Error}")]
    private static partial void LogIgnoredInitFailure(ILogger logger, string name, string type, string error);
}

/// <summary>A component that failed to initialise: stops start-up unless the component sets ignoreErrors.</summary>
public sealed class ComponentInitException(ComponentResource resource, string problem, Exception? inner = null)
    : Exception($"{resource.SourceFile}: component {resource.Name} ({resource.Type}) failed to initialise: {problem}", inner);
