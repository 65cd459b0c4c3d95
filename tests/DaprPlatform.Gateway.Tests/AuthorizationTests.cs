using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.Gateway.Tests;

/// <summary>Who may use which class of route, decided at the gateway before any app is called.</summary>
public sealed class AuthorizationTests(GatewayPlatform platform)
{
    // Fixed, not random: theory data is enumerated when tests are discovered, possibly in another process.
    private const string CustomerId = "0e7d5a4c-9b3f-4f62-8c1a-6d2e7f9b0c13";
    private const string OtherCustomerId = "c3a9e1f0-7b2d-4e85-a6c4-1f0b9d8e2a57";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, HttpStatusCode> Matrix => new()
    {
        // public
        { "GET", "/api/catalog/products", "anonymous", HttpStatusCode.OK },
        { "GET", "/api/catalog/products/1", "customer", HttpStatusCode.OK },
        { "GET", "/api/catalog/products", "admin", HttpStatusCode.OK },
        { "POST", "/api/identity/login", "anonymous", HttpStatusCode.OK },
        { "POST", "/api/identity/register", "anonymous", HttpStatusCode.OK },
        { "POST", "/api/identity/refresh", "anonymous", HttpStatusCode.OK },
        { "GET", "/api/identity/.well-known/jwks.json", "anonymous", HttpStatusCode.OK },

        // customer (admins too)
        { "GET", "/api/orders", "anonymous", HttpStatusCode.Unauthorized },
        { "GET", "/api/orders", "customer", HttpStatusCode.OK },
        { "GET", "/api/orders", "admin", HttpStatusCode.OK },
        { "POST", "/api/orders", "anonymous", HttpStatusCode.Unauthorized },
        { "POST", "/api/orders/o-1/cancel", "customer", HttpStatusCode.OK },
        { "GET", "/api/orders", "no-role", HttpStatusCode.Forbidden },
        { "GET", "/api/identity/me", "anonymous", HttpStatusCode.Unauthorized },
        { "GET", "/api/identity/me", "customer", HttpStatusCode.OK },
        { "POST", "/api/identity/logout", "anonymous", HttpStatusCode.Unauthorized },
        { "POST", "/api/identity/logout", "customer", HttpStatusCode.OK },
        { "GET", "/api/notifications", "anonymous", HttpStatusCode.Unauthorized },
        { "GET", "/api/notifications", "customer", HttpStatusCode.OK },
        { "GET", "/api/notifications", "admin", HttpStatusCode.OK },

        // admin only
        { "POST", "/api/orders/o-1/approve", "anonymous", HttpStatusCode.Unauthorized },
        { "POST", "/api/orders/o-1/approve", "customer", HttpStatusCode.Forbidden },
        { "POST", "/api/orders/o-1/approve", "admin", HttpStatusCode.OK },
        { "POST", "/api/orders/o-1/reject", "customer", HttpStatusCode.Forbidden },
        { "POST", "/api/ORDERS/o-1/Reject/", "customer", HttpStatusCode.Forbidden },
        { "POST", "/api/orders/o-1/reject", "admin", HttpStatusCode.OK },
        { "GET", "/api/orders/all", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/Orders/All/", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/orders/all?status=AwaitingApproval", "admin", HttpStatusCode.OK },
        { "GET", "/api/analytics/customers?top=5", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/analytics/customers", "admin", HttpStatusCode.OK },
        { "GET", "/api/analytics/orders/outcomes/hourly", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/analytics/orders/outcomes/hourly", "admin", HttpStatusCode.OK },
        { "GET", "/api/health", "anonymous", HttpStatusCode.Unauthorized },
        { "GET", "/api/health", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/identity/users", "anonymous", HttpStatusCode.Unauthorized },
        { "GET", "/api/identity/users", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/identity/users/u-1", "admin", HttpStatusCode.OK },
        { "GET", "/api/notifications/dead-letters", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/notifications/dead-letters", "admin", HttpStatusCode.OK },
        { "POST", "/api/notifications/dead-letters/d-1/redrive", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/analytics/products/revenue", "anonymous", HttpStatusCode.Unauthorized },
        { "GET", "/api/analytics/products/revenue", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/analytics/products/revenue", "admin", HttpStatusCode.OK },
        { "GET", "/api/analytics/orders/outcomes", "customer", HttpStatusCode.Forbidden },
        { "GET", "/api/analytics/orders/outcomes", "admin", HttpStatusCode.OK },
        { "POST", "/api/catalog/products", "anonymous", HttpStatusCode.Unauthorized },
        { "PUT", "/api/catalog/products/1", "customer", HttpStatusCode.Forbidden },
        { "POST", "/api/catalog/products", "admin", HttpStatusCode.OK },

        // a customer's own analytics; an admin's anyone's
        { "GET", $"/api/analytics/customers/{CustomerId}", "anonymous", HttpStatusCode.Unauthorized },
        { "GET", $"/api/analytics/customers/{CustomerId}", "customer", HttpStatusCode.OK },
        { "GET", $"/api/analytics/customers/{CustomerId.ToUpperInvariant()}", "customer", HttpStatusCode.OK },
        { "GET", $"/api/analytics/customers/{OtherCustomerId}", "customer", HttpStatusCode.Forbidden },
        { "GET", $"/api/analytics/customers/{OtherCustomerId}/history", "customer", HttpStatusCode.Forbidden },
        { "GET", $"/api/analytics/customers/{OtherCustomerId}", "admin", HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_route_class_admits_exactly_its_callers(string method, string path, string caller, HttpStatusCode expected)
    {
        using var request = GatewayPlatform.Request(new HttpMethod(method), path, Token(caller));
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { });
        }

        using var response = await platform.Client.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    public static TheoryData<string> HostileTokens => ["alg-none", "tampered-payload", "hs256-with-public-key", "expired", "wrong-audience", "wrong-issuer", "signed-by-another-key"];

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task A_hostile_token_is_401_and_never_reaches_the_service(string kind)
    {
        var marker = $"/api/orders/hostile-{kind}-{Guid.NewGuid():N}/approve";
        var token = kind switch
        {
            "alg-none" => TestTokens.AlgNone(CustomerId, "admin"),
            "tampered-payload" => TestTokens.TamperedPayload(CustomerId),
            "hs256-with-public-key" => TestTokens.Hs256SignedWithPublicKey(CustomerId, "admin"),
            "expired" => TestTokens.Expired(CustomerId, "admin"),
            "wrong-audience" => TestTokens.WrongAudience(CustomerId, "admin"),
            "wrong-issuer" => TestTokens.WrongIssuer(CustomerId, "admin"),
            "signed-by-another-key" => TestTokens.SignedByAnotherKey(CustomerId, "admin"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Post, marker, token), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(platform.Apps["ordering"].Received, echo => marker.EndsWith(echo.Path, StringComparison.Ordinal));
    }

    private static string? Token(string caller) => caller switch
    {
        "customer" => TestTokens.Customer(CustomerId),
        "admin" => TestTokens.Admin(Guid.NewGuid().ToString()),
        "no-role" => TestTokens.Create(CustomerId, []),
        _ => null,
    };
}
