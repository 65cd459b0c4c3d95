using System.Globalization;
using System.Net;
using DaprPlatform.Testing;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>Readiness against a real sidecar process: ready while it answers, not ready once it is gone.</summary>
public sealed class ServiceDefaultsSidecarTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readiness_follows_the_sidecar()
    {
        var sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = $"defaults-{Guid.NewGuid():N}"[..21] }, Ct);
        await using var service = await TestService.StartAsync($"http://127.0.0.1:{sidecar.HttpPort.ToString(CultureInfo.InvariantCulture)}");

        using var ready = await service.Client.GetAsync("/readyz", Ct);
        await sidecar.DisposeAsync();
        using var gone = await service.Client.GetAsync("/readyz", Ct);
        using var live = await service.Client.GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, gone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
