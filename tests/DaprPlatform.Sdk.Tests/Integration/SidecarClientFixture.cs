namespace DaprPlatform.Sdk.Tests.Integration;

/// <summary>One real sidecar (no app) on the integration components, and an SDK DaprClient pointed at it.</summary>
public sealed class SidecarClientFixture(InfraFixture infra) : IAsyncLifetime
{
    private ResourcesDirectory? _resources;

    public string AppId { get; } = infra.UniqueName("sdk-client");

    public SidecarProcess Sidecar { get; private set; } = null!;

    public DaprClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _resources = IntegrationComponents.Create(infra);
        Sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = AppId, ResourcesPaths = [_resources.Path] });
        Client = IntegrationComponents.ClientFor(Sidecar);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        _resources?.Dispose();
    }
}
