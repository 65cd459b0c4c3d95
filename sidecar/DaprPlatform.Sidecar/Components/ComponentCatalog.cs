using System.Diagnostics.CodeAnalysis;
using DaprPlatform.Sidecar.Components.PubSub.InMemory;
using DaprPlatform.Sidecar.Components.Secrets.LocalEnv;
using DaprPlatform.Sidecar.Components.Secrets.LocalFile;
using DaprPlatform.Sidecar.Components.State.InMemory;

namespace DaprPlatform.Sidecar.Components;

/// <summary>The component types this sidecar can load, by <c>spec.type</c> and the versions each accepts.</summary>
public static class ComponentCatalog
{
    private static readonly Dictionary<string, (string[] Versions, ComponentFactory Factory)> Types = new(StringComparer.Ordinal)
    {
        ["state.in-memory"] = (["v1"], (ctx, _) => Task.FromResult<IAsyncDisposable>(new InMemoryStateStore(TimeProvider.System))),
        ["pubsub.in-memory"] = (["v1"], (ctx, _) => Task.FromResult<IAsyncDisposable>(new InMemoryPubSub(ctx.CreateLogger("in-memory")))),
        ["secretstores.local.file"] = (["v1"], (ctx, ct) => LocalFileSecretStore.CreateAsync(ctx, ct)),
        ["secretstores.local.env"] = (["v1"], (ctx, _) => Task.FromResult<IAsyncDisposable>(new LocalEnvSecretStore(ctx.Metadata.GetString("prefix")))),
    };

    public static IEnumerable<string> KnownTypes => Types.Keys;

    /// <summary>Lets a component folder register its type (called from <see cref="ComponentCatalogRegistrations"/>).</summary>
    internal static void Register(string type, string[] versions, ComponentFactory factory) => Types[type] = (versions, factory);

    public static bool TryGet(string type, string version, [NotNullWhen(true)] out ComponentFactory? factory, out (string Field, string Message) problem)
    {
        ComponentCatalogRegistrations.EnsureRegistered();
        factory = null;
        if (!Types.TryGetValue(type, out var entry))
        {
            problem = ("spec.type", $"couldn't find component type '{type}' (known: {string.Join(", ", Types.Keys.Order(StringComparer.Ordinal))})");
            return false;
        }

        if (!entry.Versions.Contains(version))
        {
            problem = ("spec.version", $"component type {type} has no version '{version}' (supported: {string.Join(", ", entry.Versions)})");
            return false;
        }

        factory = entry.Factory;
        problem = default;
        return true;
    }
}
