using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.Gateway.Tests;

/// <summary>Each public prefix reaches the right app (by Dapr app id, through the sidecars) at the right path; nothing else does.</summary>
public sealed class RoutingTests(GatewayPlatform platform)
{
    // Fixed, not random: theory data is enumerated when tests are discovered, possibly in another process.
    private const string CustomerId = "5b0c8f7e-2d41-4c59-9a7e-3f1d2c6b8a90";
    private static readonly string Customer = TestTokens.Customer(CustomerId);
    private static readonly string Admin = TestTokens.Admin(Guid.NewGuid().ToString());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, string, string> Routes => new()
    {
        // method, gateway path, token, app, service path + query
        { "POST", "/api/identity/register", "", "identity", "/register" },
        { "POST", "/api/identity/login", "", "identity", "/login" },
        { "POST", "/api/identity/refresh", "", "identity", "/refresh" },
        { "GET", "/api/identity/.well-known/jwks.json", "", "identity", "/.well-known/jwks.json" },
        { "POST", "/api/identity/logout", "customer", "identity", "/logout" },
        { "GET", "/api/identity/me", "customer", "identity", "/me" },
        { "GET", "/api/identity/users?page=2", "admin", "identity", "/users?page=2" },
        { "GET", "/api/catalog/products?search=lamp&page=2", "", "catalog", "/products?search=lamp&page=2" },
        { "GET", "/api/catalog/products/7", "", "catalog", "/products/7" },
        { "POST", "/api/orders", "customer", "ordering", "/orders" },
        { "GET", "/api/orders/3f2c", "customer", "ordering", "/orders/3f2c" },
        { "POST", "/api/orders/3f2c/cancel", "customer", "ordering", "/orders/3f2c/cancel" },
        { "POST", "/api/orders/3f2c/approve", "admin", "ordering", "/orders/3f2c/approve" },
        { "GET", "/api/orders/all?status=AwaitingApproval&page=2", "admin", "ordering", "/orders/all?status=AwaitingApproval&page=2" },
        { "GET", "/api/analytics/customers?top=5", "admin", "analytics", "/customers?top=5" },
        { "GET", "/api/analytics/orders/outcomes/hourly?hours=48", "admin", "analytics", "/orders/outcomes/hourly?hours=48" },
        { "GET", $"/api/analytics/customers/{CustomerId}", "customer", "analytics", $"/customers/{CustomerId}" },
        { "GET", "/api/analytics/products/revenue", "admin", "analytics", "/products/revenue" },
        { "GET", "/api/analytics/orders/outcomes", "admin", "analytics", "/orders/outcomes" },
        { "GET", "/api/notifications", "customer", "notifications", "/notifications" },
        { "POST", "/api/notifications/dead-letters/9/redrive", "admin", "notifications", "/notifications/dead-letters/9/redrive" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_public_route_reaches_its_app_at_the_service_path(string method, string path, string role, string app, string servicePath)
    {
        using var request = GatewayPlatform.Request(new HttpMethod(method), path, Token(role));
        if (method == "POST")
        {
            request.Content = JsonContent.Create(new { probe = path });
        }

        using var response = await platform.Client.SendAsync(request, Ct);
        var echo = await response.Content.ReadFromJsonAsync<Echo>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(app, echo!.App);
        Assert.Equal(method, echo.Method);
        Assert.Equal(servicePath, echo.Path + echo.Query);
        if (method == "POST")
        {
            Assert.Equal(path, JsonDocument.Parse(echo.Body).RootElement.GetProperty("probe").GetString());
        }
    }

    [Theory]
    [InlineData("POST", "/api/catalog/reservations")]
    [InlineData("POST", "/api/catalog/reservations/r-1/commit")]
    [InlineData("GET", "/api/catalog/productsandmore")]
    [InlineData("POST", "/api/payments/charges")]
    [InlineData("GET", "/api/payments/charges/order-1")]
    [InlineData("GET", "/api/identity/internal/keys")]
    [InlineData("GET", "/api/analytics/everything")]
    [InlineData("GET", "/api/unknown")]
    [InlineData("GET", "/api")]
    [InlineData("GET", "/reservations")]
    public async Task A_path_that_is_not_public_is_a_404_problem_details_and_reaches_no_app(string method, string path)
    {
        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(new HttpMethod(method), path, Admin), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("/api/catalog/products/..%2Freservations")]
    [InlineData("/api/catalog/products/..%2freservations")]
    [InlineData("/api/orders/1%2Fapprove")]
    [InlineData("/api/catalog/products//7")]
    [InlineData("/api/catalog/products/..%5Creservations")]
    public async Task A_path_with_encoded_or_empty_segments_is_refused_before_any_app(string path)
    {
        var before = platform.Apps.Values.Sum(app => app.Received.Count(echo => echo.Path.Contains("reservations", StringComparison.Ordinal) || echo.Path.Contains("approve", StringComparison.Ordinal)));

        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, path, Customer), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, platform.Apps.Values.Sum(app => app.Received.Count(echo => echo.Path.Contains("reservations", StringComparison.Ordinal) || echo.Path.Contains("approve", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Dapr_headers_sent_by_a_client_cannot_redirect_the_call_to_another_app()
    {
        using var request = GatewayPlatform.Request(HttpMethod.Get, "/api/catalog/products");
        request.Headers.Add("dapr-app-id", "payments");
        request.Headers.Add("dapr-api-token", "forged");

        using var response = await platform.Client.SendAsync(request, Ct);
        var echo = await response.Content.ReadFromJsonAsync<Echo>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("catalog", echo!.App);
        Assert.False(echo.Headers.ContainsKey("dapr-api-token"));
    }

    [Fact]
    public async Task The_callers_authorization_header_is_forwarded_to_the_service()
    {
        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, "/api/orders", Customer), Ct);
        var echo = await response.Content.ReadFromJsonAsync<Echo>(Ct);

        Assert.Equal($"Bearer {Customer}", echo!.Headers["authorization"]);
    }

    private static string? Token(string role) => role switch
    {
        "customer" => Customer,
        "admin" => Admin,
        _ => null,
    };
}
