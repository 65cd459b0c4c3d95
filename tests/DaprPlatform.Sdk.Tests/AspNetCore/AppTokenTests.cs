using DaprPlatform.Dapr.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace DaprPlatform.Sdk.Tests.AspNetCore;

public sealed class AppTokenTests
{
    private const string Token = "app-token-1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("app-token-1 ")]
    [InlineData("app-token-")]
    public async Task Requests_without_the_matching_token_get_401_problem_details(string? presented)
    {
        await using var app = await StartAsync(o => o.Token = Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders");
        if (presented is not null)
        {
            request.Headers.Add("dapr-api-token", presented);
        }

        var response = await app.GetTestClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal("Unauthorized", problem.GetProperty("title").GetString());
        Assert.DoesNotContain(Token, problem.GetRawText());
    }

    [Fact]
    public async Task The_matching_token_is_let_through()
    {
        await using var app = await StartAsync(o => o.Token = Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders");
        request.Headers.Add("dapr-api-token", Token);

        var response = await app.GetTestClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("handled", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Health_endpoints_are_excluded()
    {
        await using var app = await StartAsync(o => o.Token = Token);

        var response = await app.GetTestClient().GetAsync("/healthz", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task APP_API_TOKEN_from_configuration_is_enforced()
    {
        await using var app = await StartAsync(configureBuilder: builder => builder.Configuration["APP_API_TOKEN"] = Token);
        var client = app.GetTestClient();

        var rejected = await client.PostAsync("/orders", null, Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders");
        request.Headers.Add("dapr-api-token", Token);
        var accepted = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_nothing_is_checked()
    {
        await using var app = await StartAsync();

        var response = await app.GetTestClient().PostAsync("/orders", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<WebApplication> StartAsync(Action<DaprAppTokenOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null) =>
        TestApp.StartAsync(
            app =>
            {
                app.UseDaprAppToken(configure);
                app.MapPost("/orders", () => "handled");
                app.MapGet("/healthz", () => "healthy");
            },
            configureBuilder);
}
