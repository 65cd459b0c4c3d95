using System.Text.Json;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>
/// Sidecars of one invocation test class: their own DAPR_DEV_HOME, so the name-resolution registry holds only the
/// apps the class started, and unique app ids.
/// </summary>
public sealed class InvocationSidecars : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public InvocationSidecars()
    {
        DevHome = Path.Combine(Path.GetTempPath(), $"daprplatform-devhome-{Guid.NewGuid():N}");
        Directory.CreateDirectory(DevHome);
    }

    public string DevHome { get; }

    public string RegistryPath => Path.Combine(DevHome, "registry");

    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public async Task<TargetApp> StartAppAsync(string name = "app")
    {
        var app = await TargetApp.StartAsync(name);
        _owned.Add(app);
        return app;
    }

    /// <summary>Starts a sidecar in this dev home and waits until it is in the registry.</summary>
    public async Task<SidecarProcess> StartSidecarAsync(SidecarProcessOptions options)
    {
        var before = RegisteredCount(options.AppId);
        var sidecar = await SidecarProcess.StartAsync(options with
        {
            DaprDevHome = DevHome,
            ExtraArguments = [.. options.ExtraArguments, "--max-body-size", "64Mi"],
        });
        _owned.Add(sidecar);
        await WaitForRegistrationsAsync(options.AppId, before + 1);
        return sidecar;
    }

    /// <summary>The registry files of this app id (one per running sidecar, plus stale ones not yet cleaned).</summary>
    public string[] RegistryFiles(string appId)
    {
        var directory = Path.Combine(RegistryPath, appId);
        return Directory.Exists(directory) ? Directory.GetFiles(directory, "*.json") : [];
    }

    public int RegisteredCount(string appId) => RegistryFiles(appId).Length;

    public async Task WaitForRegistrationsAsync(string appId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (RegisteredCount(appId) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{appId} has {RegisteredCount(appId)} registry entries, expected {count}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        try
        {
            Directory.Delete(DevHome, recursive: true);
        }
        catch (IOException)
        {
            // A sidecar still exiting may hold a file for a moment; the temp dir is cleaned by the OS eventually.
        }
    }

    /// <summary>The errorCode and message of a daprd error body.</summary>
    public static async Task<(string ErrorCode, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        return (json.GetProperty("errorCode").GetString()!, json.GetProperty("message").GetString()!);
    }
}
