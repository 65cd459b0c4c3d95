using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.Gateway.Tests;

/// <summary>Fixed windows per user (by sub) and per client IP, with a stricter one for register and login.</summary>
public sealed class RateLimitTests(GatewayPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_user_over_the_limit_gets_429_with_retry_after_while_another_user_is_unaffected()
    {
        using var client = platform.CreateGateway(new Dictionary<string, string>
        {
            ["Gateway:RateLimit:PermitsPerWindow"] = "3",
            ["Gateway:RateLimit:WindowSeconds"] = "60",
        }).CreateClient();
        var busy = TestTokens.Customer(Guid.NewGuid().ToString());
        var other = TestTokens.Customer(Guid.NewGuid().ToString());

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, "/api/orders", busy), Ct);
            statuses.Add(allowed.StatusCode);
        }

        using var limited = await client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, "/api/orders", busy), Ct);
        using var otherUser = await client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, "/api/orders", other), Ct);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, (await limited.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32());
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.OK, otherUser.StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_are_limited_per_address()
    {
        using var client = platform.CreateGateway(new Dictionary<string, string>
        {
            ["Gateway:RateLimit:PermitsPerWindow"] = "2",
            ["Gateway:RateLimit:WindowSeconds"] = "60",
        }).CreateClient();

        using var first = await client.GetAsync("/api/catalog/products", Ct);
        using var second = await client.GetAsync("/api/catalog/products/1", Ct);
        using var third = await client.GetAsync("/api/catalog/products", Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.NotNull(third.Headers.RetryAfter);
    }

    [Fact]
    public async Task Login_and_register_have_a_stricter_limit_than_the_rest()
    {
        using var client = platform.CreateGateway(new Dictionary<string, string>
        {
            ["Gateway:RateLimit:CredentialPermitsPerWindow"] = "2",
            ["Gateway:RateLimit:CredentialWindowSeconds"] = "60",
        }).CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "/api/identity/login", "/api/identity/register", "/api/identity/login" })
        {
            using var response = await client.PostAsync(path, JsonContent.Create(new { email = "a@example.test", password = "guess" }), Ct);
            statuses.Add(response.StatusCode);
        }

        using var browsing = await client.GetAsync("/api/catalog/products", Ct);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, browsing.StatusCode);
    }
}
