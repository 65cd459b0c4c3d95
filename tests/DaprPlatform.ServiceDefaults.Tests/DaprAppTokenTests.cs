using Microsoft.AspNetCore.Builder;
using System.Net;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>With APP_API_TOKEN set, a service answers only callers that present it (its sidecar), except probes.</summary>
public sealed class DaprAppTokenTests
{
    private const string Token = "app-token-for-tests";
    private const string NoSidecar = "http://127.0.0.1:1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("", HttpStatusCode.Unauthorized)]
    [InlineData("app-token-for-test", HttpStatusCode.Unauthorized)]
    [InlineData("app-token-for-tests-and-more", HttpStatusCode.Unauthorized)]
    [InlineData(Token, HttpStatusCode.OK)]
    public async Task Only_the_sidecars_token_reaches_a_route(string? presented, HttpStatusCode expected)
    {
        await using var service = await StartAsync(publicEntry: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/work");
        if (presented is not null)
        {
            request.Headers.Add("dapr-api-token", presented);
        }

        using var response = await service.Client.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/metrics")]
    public async Task Probes_and_scrapers_need_no_token(string path)
    {
        await using var service = await StartAsync(publicEntry: false);

        using var response = await service.Client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_public_entry_takes_callers_without_the_token()
    {
        await using var service = await StartAsync(publicEntry: true);

        using var response = await service.Client.GetAsync("/work", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_APP_API_TOKEN_nothing_is_asked()
    {
        await using var service = await TestService.StartAsync(NoSidecar, app => app.MapGet("/work", () => "done"));

        using var response = await service.Client.GetAsync("/work", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<TestService> StartAsync(bool publicEntry) => TestService.StartAsync(
        NoSidecar, app => app.MapGet("/work", () => "done"), new Dictionary<string, string?> { ["APP_API_TOKEN"] = Token }, publicEntry);
}
