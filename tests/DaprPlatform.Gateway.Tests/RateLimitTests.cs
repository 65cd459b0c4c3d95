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
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit()
    {
        using var client = platform.CreateGateway(new Dictionary<string, string>
        {
            ["Gateway:RateLimit:PermitsPerWindow"] = "1",
            ["Gateway:RateLimit:WindowSeconds"] = "60",
            ["Gateway:TrustedProxies:0"] = "10.244.0.0/16",
        }, peer: IPAddress.Parse("10.244.1.7")).CreateClient();

        using var first = await client.SendAsync(Forwarded("203.0.113.1"), Ct);
        using var second = await client.SendAsync(Forwarded("203.0.113.2"), Ct);
        using var firstAgain = await client.SendAsync(Forwarded("203.0.113.1"), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, firstAgain.StatusCode);
    }

    [Fact]
    public async Task A_client_that_is_not_a_trusted_proxy_cannot_choose_its_address_with_x_forwarded_for()
    {
        using var client = platform.CreateGateway(new Dictionary<string, string>
        {
            ["Gateway:RateLimit:PermitsPerWindow"] = "1",
            ["Gateway:RateLimit:WindowSeconds"] = "60",
            ["Gateway:TrustedProxies:0"] = "10.244.0.0/16",
        }, peer: IPAddress.Parse("198.51.100.9")).CreateClient();

        using var first = await client.SendAsync(Forwarded("203.0.113.1"), Ct);
        using var second = await client.SendAsync(Forwarded("203.0.113.2"), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public async Task Without_trusted_proxies_x_forwarded_for_is_ignored()
    {
        using var client = platform.CreateGateway(new Dictionary<string, string>
        {
            ["Gateway:RateLimit:PermitsPerWindow"] = "1",
            ["Gateway:RateLimit:WindowSeconds"] = "60",
        }, peer: IPAddress.Parse("10.244.1.7")).CreateClient();

        using var first = await client.SendAsync(Forwarded("203.0.113.1"), Ct);
        using var second = await client.SendAsync(Forwarded("203.0.113.2"), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    [Fact]
    public void A_trusted_proxy_that_is_not_a_network_stops_the_gateway_at_start_with_the_setting_named()
    {
        var gateway = platform.CreateGateway(new Dictionary<string, string> { ["Gateway:TrustedProxies:0"] = "the ingress" });

        var error = Assert.Throws<InvalidOperationException>(() => gateway.CreateClient());

        Assert.Contains("Gateway:TrustedProxies", error.Message);
        Assert.Contains("the ingress", error.Message);
    }

    private static HttpRequestMessage Forwarded(string clientAddress)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalog/products");
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return request;
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
