using System.Net.Sockets;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

/// <summary>daprd is configured by its flags: an app's appsettings.json in the directory it starts from is not read.</summary>
public sealed class WorkingDirectoryTests : IDisposable
{
    private readonly ResourcesDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task An_appsettings_json_in_the_working_directory_opens_no_endpoint_and_changes_no_logging()
    {
        var strayPort = FreePort.Get();
        _directory.AddFile("appsettings.json", $$"""
            {
              "Kestrel": { "Endpoints": { "App": { "Url": "http://127.0.0.1:{{strayPort}}" } } },
              "Logging": { "LogLevel": { "Default": "Trace" } }
            }
            """);

        await using var sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = "working-dir", WorkingDirectory = _directory.Path },
            TestContext.Current.CancellationToken);

        using var health = await sidecar.HttpClient.GetAsync("v1.0/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, health.StatusCode);
        using var probe = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(async () => await probe.ConnectAsync("127.0.0.1", strayPort, TestContext.Current.CancellationToken));
        Assert.DoesNotContain("trce:", sidecar.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("dbug:", sidecar.Output, StringComparison.Ordinal);
    }
}
