using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>
/// A service built with AddServiceDefaults/MapDefaultEndpoints, on ASP.NET Core's in-memory TestServer, whose Dapr
/// sidecar address is a port nothing listens on (<see cref="ServiceDefaultsSidecarTests"/> gives it a real one).
/// </summary>
public sealed class ServiceDefaultsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Liveness_is_healthy_even_without_the_sidecar_but_readiness_is_not()
    {
        await using var service = await StartServiceAsync();

        using var live = await service.Client.GetAsync("/healthz", Ct);
        using var ready = await service.Client.GetAsync("/readyz", Ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_problem_details_500_without_the_exception()
    {
        await using var service = await StartServiceAsync(app => app.MapGet("/boom", string () => throw new InvalidOperationException("secret connection string")));

        using var response = await service.Client.GetAsync("/boom", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(500, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("secret connection string", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_cannot_be_bound_is_a_problem_details_400_not_a_500()
    {
        await using var service = await StartServiceAsync(app => app.MapPost("/orders", (OrderLine line) => line.Quantity));

        using var response = await service.Client.PostAsync("/orders", new StringContent("not json", System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public sealed record OrderLine(int Quantity);

    [Fact]
    public async Task An_unknown_route_is_a_problem_details_404()
    {
        await using var service = await StartServiceAsync();

        using var response = await service.Client.GetAsync("/no-such-route", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Metrics_are_served_for_prometheus_with_the_requests_the_service_handled()
    {
        await using var service = await StartServiceAsync(app => app.MapGet("/orders", () => "[]"));
        (await service.Client.GetAsync("/orders", Ct)).Dispose();

        var metrics = await service.Client.GetStringAsync("/metrics", Ct);

        Assert.Contains("http_server_request_duration_seconds_count{", metrics, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/orders\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_services_routes()
    {
        await using var service = await StartServiceAsync(app => app.MapGet("/orders/{id}", (int id) => id));

        var document = await service.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        Assert.True(document.GetProperty("paths").TryGetProperty("/orders/{id}", out _));
    }

    private static Task<TestService> StartServiceAsync(Action<WebApplication>? map = null) =>
        TestService.StartAsync("http://127.0.0.1:1", map);
}
