using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Components;

/// <summary>What a component factory gets: its resource, resolved metadata, the sidecar's identity and services.</summary>
public sealed record ComponentContext(
    ComponentResource Resource,
    ComponentMetadata Metadata,
    SidecarOptions Options,
    IServiceProvider Services)
{
    public string Name => Resource.Name;

    public ILogger CreateLogger(string category) =>
        Services.GetRequiredService<ILoggerFactory>().CreateLogger($"dapr.component.{Resource.Type}.{category}");
}

/// <summary>Creates and initialises one component instance; the result implements a building-block interface.</summary>
public delegate Task<IAsyncDisposable> ComponentFactory(ComponentContext context, CancellationToken cancellationToken);
