using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>Accounts, tokens and who may call what — through the gateway, against the real identity service.</summary>
public sealed class IdentityAndAccessTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refresh_rotates_the_token_and_replaying_the_old_one_revokes_the_whole_family()
    {
        using var customer = await platform.Client().SignUpAsync();
        var first = customer.RefreshToken!;

        using var rotated = await customer.Http.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = first }, Ct);
        var second = (await rotated.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("refreshToken").GetString();
        using var replay = await customer.Http.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = first }, Ct);
        using var afterReplay = await customer.Http.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = second }, Ct);

        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReplay.StatusCode);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token()
    {
        using var customer = await platform.Client().SignUpAsync();

        using var logout = await customer.Http.PostAsJsonAsync("/api/identity/logout", new { refreshToken = customer.RefreshToken }, Ct);
        using var refresh = await customer.Http.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = customer.RefreshToken }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_401()
    {
        using var customer = await platform.Client().SignUpAsync();
        var email = (await customer.Http.GetFromJsonAsync<JsonElement>("/api/identity/me", Ct)).GetProperty("email").GetString();

        using var wrong = await customer.Http.PostAsJsonAsync("/api/identity/login", new { email, password = "Not-the-passw0rd!" }, Ct);
        using var unknown = await customer.Http.PostAsJsonAsync("/api/identity/login", new { email = $"{Guid.NewGuid():N}@example.test", password = "Not-the-passw0rd!" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(await Problem(wrong), await Problem(unknown));
    }

    public static TheoryData<string> HostileTokens => new() { "alg-none", "tampered", "expired", "wrong-audience", "wrong-issuer", "other-key", "hs256-public-key" };

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task A_token_that_is_not_exactly_what_identity_issued_is_refused_with_401(string kind)
    {
        using var customer = await platform.Client().SignUpAsync();
        var jwks = await customer.Http.GetFromJsonAsync<JsonElement>("/api/identity/.well-known/jwks.json", Ct);
        var kid = jwks.GetProperty("keys")[0].GetProperty("kid").GetString()!;
        var key = platform.SigningKey;
        var now = DateTime.UtcNow;
        var real = customer.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        var token = kind switch
        {
            "alg-none" => TestTokens.AlgNone(customer.UserId!, "admin"),
            "tampered" => Tamper(real),
            "expired" => TestTokens.SignedWith(key, kid, customer.UserId!, ["customer"], now.AddHours(-1), now.AddMinutes(-5)),
            "wrong-audience" => TestTokens.SignedWith(key, kid, customer.UserId!, ["customer"], now, now.AddMinutes(5), audience: "some-other-api"),
            "wrong-issuer" => TestTokens.SignedWith(key, kid, customer.UserId!, ["customer"], now, now.AddMinutes(5), issuer: "https://evil.example"),
            "other-key" => TestTokens.SignedByAnotherKey(customer.UserId!, "admin"),
            _ => TestTokens.Hs256SignedWithPublicKey(customer.UserId!, "admin"),
        };
        using var hostile = new HttpClient { BaseAddress = platform.GatewayUrl };
        hostile.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var orders = await hostile.GetAsync("/api/orders", Ct);
        using var me = await hostile.GetAsync("/api/identity/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, orders.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task The_same_token_forged_in_no_respect_is_accepted()
    {
        // The control for the hostile tokens: signed with the platform's key, its kid, issuer and audience.
        using var customer = await platform.Client().SignUpAsync();
        var jwks = await customer.Http.GetFromJsonAsync<JsonElement>("/api/identity/.well-known/jwks.json", Ct);
        var key = platform.SigningKey;
        var now = DateTime.UtcNow;
        using var client = new HttpClient { BaseAddress = platform.GatewayUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", TestTokens.SignedWith(key, jwks.GetProperty("keys")[0].GetProperty("kid").GetString()!, customer.UserId!, ["customer"], now, now.AddMinutes(5)));

        using var orders = await client.GetAsync("/api/orders", Ct);

        Assert.Equal(HttpStatusCode.OK, orders.StatusCode);
    }

    public static TheoryData<string, string, string, HttpStatusCode> Matrix => new()
    {
        // caller, method, route, expected
        { "anonymous", "GET", "/api/catalog/products", HttpStatusCode.OK },
        { "anonymous", "GET", "/api/orders", HttpStatusCode.Unauthorized },
        { "anonymous", "GET", "/api/identity/me", HttpStatusCode.Unauthorized },
        { "anonymous", "GET", "/api/identity/users", HttpStatusCode.Unauthorized },
        { "anonymous", "GET", "/api/notifications", HttpStatusCode.Unauthorized },
        { "anonymous", "GET", "/api/notifications/dead-letters", HttpStatusCode.Unauthorized },
        { "anonymous", "GET", "/api/analytics/products/revenue", HttpStatusCode.Unauthorized },
        { "anonymous", "POST", "/api/catalog/reservations", HttpStatusCode.NotFound },
        { "customer", "GET", "/api/orders", HttpStatusCode.OK },
        { "customer", "GET", "/api/notifications", HttpStatusCode.OK },
        { "customer", "GET", "/api/analytics/customers/{self}", HttpStatusCode.OK },
        { "customer", "GET", "/api/analytics/customers/someone-else", HttpStatusCode.Forbidden },
        { "customer", "GET", "/api/identity/users", HttpStatusCode.Forbidden },
        { "customer", "GET", "/api/notifications/dead-letters", HttpStatusCode.Forbidden },
        { "customer", "POST", "/api/notifications/dead-letters/redrive", HttpStatusCode.Forbidden },
        { "customer", "GET", "/api/analytics/products/revenue", HttpStatusCode.Forbidden },
        { "customer", "POST", "/api/orders/{missing}/approve", HttpStatusCode.Forbidden },
        { "customer", "POST", "/api/catalog/reservations", HttpStatusCode.NotFound },
        { "admin", "GET", "/api/identity/users", HttpStatusCode.OK },
        { "admin", "GET", "/api/notifications/dead-letters", HttpStatusCode.OK },
        { "admin", "GET", "/api/analytics/products/revenue", HttpStatusCode.OK },
        { "admin", "GET", "/api/analytics/customers/someone-else", HttpStatusCode.OK },
        { "admin", "POST", "/api/orders/{missing}/approve", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_route_answers_only_whom_it_is_for(string caller, string method, string route, HttpStatusCode expected)
    {
        using var client = caller switch
        {
            "customer" => await platform.Client().SignUpAsync(),
            "admin" => await platform.Client().LoginAsync(platform.AdminEmail, platform.AdminPassword),
            _ => platform.Client(),
        };
        var path = route.Replace("{self}", client.UserId ?? "", StringComparison.Ordinal).Replace("{missing}", Guid.NewGuid().ToString(), StringComparison.Ordinal);

        using var response = await client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);

        Assert.True(response.StatusCode == expected, $"{caller} {method} {path}: {await PlatformClient.DescribeAsync(response)}");
    }

    private static string Tamper(string token)
    {
        var parts = token.Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["role"] = new System.Text.Json.Nodes.JsonArray("customer", "admin");
        return $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
    }

    private static async Task<string> Problem(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return $"{problem.GetProperty("title").GetString()}|{(problem.TryGetProperty("detail", out var d) ? d.GetString() : "")}";
    }
}
