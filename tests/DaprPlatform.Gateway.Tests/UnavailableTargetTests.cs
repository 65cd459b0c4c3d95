using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.Gateway.Tests;

/// <summary>
/// A gateway whose sidecar finds no app at all (a dev home of its own), one whose sidecar is gone, and a service that
/// never answers: each is a prompt 5xx problem details, never a 500 or a hang.
/// </summary>
public sealed class UnavailableTargetTests(GatewayPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_that_is_not_running_is_a_503_problem_details_naming_it()
    {
        var emptyDevHome = Directory.CreateTempSubdirectory("gateway-tests-empty-").FullName;
        await using var lonelySidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = "gateway", DaprDevHome = emptyDevHome }, Ct);
        using var client = platform.CreateGateway(sidecar: lonelySidecar.HttpEndpoint).CreateClient();

        using var products = await client.GetAsync("/api/catalog/products", Ct);
        using var details = await client.SendAsync(
            GatewayPlatform.Request(HttpMethod.Get, "/api/orders/o-1/details", TestTokens.Customer(Guid.NewGuid().ToString())), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, products.StatusCode);
        Assert.Equal("application/problem+json", products.Content.Headers.ContentType?.MediaType);
        Assert.Contains("catalog", (await products.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, details.StatusCode);
        Assert.Equal("application/problem+json", details.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_its_sidecar_the_gateway_answers_502_problem_details()
    {
        using var client = platform.CreateGateway(sidecar: new Uri($"http://127.0.0.1:{FreePort.Get()}")).CreateClient();

        using var products = await client.GetAsync("/api/catalog/products", Ct);
        using var details = await client.SendAsync(
            GatewayPlatform.Request(HttpMethod.Get, "/api/orders/o-1/details", TestTokens.Customer(Guid.NewGuid().ToString())), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, products.StatusCode);
        Assert.Equal("application/problem+json", products.Content.Headers.ContentType?.MediaType);
        Assert.True(details.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable, $"got {details.StatusCode}");
        Assert.Equal("application/problem+json", details.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_service_that_never_answers_is_a_504_after_the_upstream_timeout()
    {
        using var client = platform.CreateGateway(new Dictionary<string, string> { ["Gateway:UpstreamTimeoutSeconds"] = "1" }).CreateClient();
        var clock = Stopwatch.StartNew();

        using var response = await client.GetAsync($"/api/catalog/products{StandInApp.SlowPath}", Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_services_own_server_error_passes_through_unchanged()
    {
        var path = $"/products/broken-{Guid.NewGuid():N}";
        const string body = """{"errorCode":"DB_DOWN","message":"the service's own words"}""";
        platform.Apps["catalog"].Canned[$"GET {path}"] = new CannedResponse(500, body);

        using var response = await platform.Client.GetAsync($"/api/catalog{path}", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(Ct));
    }
}
