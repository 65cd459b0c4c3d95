using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>An app and its sidecar (with their resources folder), started together and disposed together.</summary>
public sealed class PubSubNode : IAsyncDisposable
{
    private readonly ResourcesDirectory _resources;

    private PubSubNode(SubscriberApp? app, SidecarProcess sidecar, ResourcesDirectory resources)
    {
        App = app!;
        Sidecar = sidecar;
        _resources = resources;
    }

    /// <summary>The app; null for a publisher-only node (no --app-port).</summary>
    public SubscriberApp App { get; }

    public SidecarProcess Sidecar { get; }

    /// <summary>
    /// Starts the app with <paramref name="subscriptionsJson"/> (none when null), then its sidecar, and waits until
    /// the sidecar lists <paramref name="expectedSubscriptions"/> subscriptions.
    /// </summary>
    public static async Task<PubSubNode> StartAsync(
        string appId,
        Action<ResourcesDirectory> resources,
        string? subscriptionsJson,
        int expectedSubscriptions,
        string? appToken = null)
    {
        var directory = new ResourcesDirectory();
        SubscriberApp? app = null;
        try
        {
            resources(directory);
            app = subscriptionsJson is null ? null : await SubscriberApp.StartAsync(subscriptionsJson);
            var sidecar = await SidecarProcess.StartAsync(
                new SidecarProcessOptions { AppId = appId, AppPort = app?.Port, ResourcesPaths = [directory.Path], AppApiToken = appToken },
                TestContext.Current.CancellationToken);
            var node = new PubSubNode(app, sidecar, directory);
            if (expectedSubscriptions > 0)
            {
                try
                {
                    await sidecar.WaitForSubscriptionsAsync(expectedSubscriptions);
                }
                catch
                {
                    await node.DisposeAsync();
                    throw;
                }
            }

            return node;
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            directory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"--- sidecar {Sidecar.AppId} ---\n{Sidecar.Output}");
        await Sidecar.DisposeAsync();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        _resources.Dispose();
    }
}
