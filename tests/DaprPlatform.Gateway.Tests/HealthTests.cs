using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Gateway.Services;
using DaprPlatform.Testing;

namespace DaprPlatform.Gateway.Tests;

/// <summary>
/// GET /api/health: every platform app's /readyz through the gateway's sidecar. The stand-ins answer it 200 unless
/// told otherwise; no webconsole runs here, so its sidecar cannot be reached.
/// </summary>
public sealed class HealthTests(GatewayPlatform platform)
{
    private static readonly string Admin = TestTokens.Admin(Guid.NewGuid().ToString());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_app_is_reported_with_its_sidecar_an_unready_app_by_its_answer_and_an_unreachable_one_as_both_down()
    {
        platform.Apps["analytics"].Canned["GET /readyz"] = new CannedResponse(503, "Unhealthy", "text/plain");
        PlatformHealth report;
        try
        {
            using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, "/api/health", Admin), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            report = (await response.Content.ReadFromJsonAsync<PlatformHealth>(Ct))!;
        }
        finally
        {
            platform.Apps["analytics"].Canned.TryRemove("GET /readyz", out _);
        }

        Assert.Equal(PlatformHealthService.AppIds, report.Apps.Select(a => a.AppId));
        Assert.All(report.Apps.Where(a => a.AppId is not ("analytics" or "webconsole")), app =>
            Assert.Equal(("Healthy", "Healthy", (string?)null), (app.App, app.Sidecar, app.Detail)));
        Assert.Equal(new AppHealth("analytics", "Unhealthy", "Healthy", "Unhealthy"), report.Apps.Single(a => a.AppId == "analytics"));
        var console = report.Apps.Single(a => a.AppId == "webconsole");
        Assert.Equal(("Unhealthy", "Unhealthy"), (console.App, console.Sidecar));
        Assert.StartsWith("ERR_", console.Detail, StringComparison.Ordinal);
        Assert.True(DateTimeOffset.UtcNow - report.CheckedAt < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Each_app_is_asked_for_its_readiness_with_a_get_to_readyz()
    {
        var identity = platform.Apps["identity"];
        // The stand-in apps are shared with the other tests, which call them meanwhile: only what arrives from here
        // on (the queue is append-only) and only the readiness checks count.
        var before = identity.Received.Count;

        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, "/api/health", Admin), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var readiness = identity.Received.Skip(before).Where(echo => echo.Path == "/readyz").ToList();
        Assert.Contains(readiness, echo => echo.Method == "GET");
        // The admin's token is for the gateway: the apps' readiness needs none.
        Assert.DoesNotContain(readiness, echo => echo.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task Without_its_sidecar_the_gateway_reports_itself_up_and_every_sidecar_down()
    {
        using var client = platform.CreateGateway(sidecar: new Uri($"http://127.0.0.1:{FreePort.Get()}")).CreateClient();

        using var response = await client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, "/api/health", Admin), Ct);
        var report = await response.Content.ReadFromJsonAsync<PlatformHealth>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("Healthy", "Unhealthy"), report!.Apps.Where(a => a.AppId == "gateway").Select(a => (a.App, a.Sidecar)).Single());
        Assert.All(report.Apps.Where(a => a.AppId != "gateway"), app => Assert.Equal(("Unhealthy", "Unhealthy"), (app.App, app.Sidecar)));
        Assert.All(report.Apps.Where(a => a.AppId != "gateway"), app => Assert.False(string.IsNullOrEmpty(app.Detail)));
    }
}
