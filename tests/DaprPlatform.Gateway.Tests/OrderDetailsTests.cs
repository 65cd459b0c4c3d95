using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.Gateway.Tests;

/// <summary>GET /api/orders/{id}/details: the order from ordering, its products from catalog and its payment from payments.</summary>
public sealed class OrderDetailsTests(GatewayPlatform platform)
{
    private static readonly string CustomerId = Guid.NewGuid().ToString();
    private static readonly string Customer = TestTokens.Customer(CustomerId);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StandInApp Ordering => platform.Apps["ordering"];

    private StandInApp Catalog => platform.Apps["catalog"];

    private StandInApp Payments => platform.Apps["payments"];

    [Fact]
    public async Task An_order_comes_with_each_distinct_product_and_its_payment()
    {
        var orderId = NewOrder(items: [(101, 2), (102, 1), (101, 1)]);
        Product(101, "Lamp");
        Product(102, "Desk");
        var paymentId = Guid.NewGuid().ToString();
        Payments.Canned[$"GET /charges/{orderId}"] = new CannedResponse(200, JsonSerializer.Serialize(new { paymentId, idempotencyKey = orderId, status = "Charged", amount = 30m }));

        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, $"/api/orders/{orderId}/details", Customer), Ct);
        var details = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(orderId, details.GetProperty("order").GetProperty("orderId").GetString());
        Assert.Equal("Confirmed", details.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal(["Desk", "Lamp"], details.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order());
        Assert.Equal("Charged", details.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(paymentId, details.GetProperty("payment").GetProperty("paymentId").GetString());
        // One call per distinct product, and ordering saw the user's own token (it decides whether the order is theirs).
        Assert.Single(Catalog.Received, echo => echo.Path == "/products/101" && echo.Headers.GetValueOrDefault("x-request-id") == response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal($"Bearer {Customer}", Assert.Single(Ordering.Received, echo => echo.Path == $"/orders/{orderId}").Headers["authorization"]);
    }

    [Fact]
    public async Task An_order_not_charged_yet_has_no_payment()
    {
        var orderId = NewOrder(items: [(201, 1)]);
        Product(201, "Chair");
        Payments.Canned[$"GET /charges/{orderId}"] = new CannedResponse(404, """{"title":"No such charge","status":404}""", "application/problem+json");

        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, $"/api/orders/{orderId}/details", Customer), Ct);
        var details = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, details.GetProperty("payment").ValueKind);
        Assert.Equal("Chair", Assert.Single(details.GetProperty("products").EnumerateArray()).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(404, "No such order")]
    [InlineData(403, "Not your order")]
    public async Task Orderings_refusal_is_passed_on_as_problem_details_and_nothing_else_is_asked(int status, string title)
    {
        var orderId = $"refused-{Guid.NewGuid():N}";
        Ordering.Canned[$"GET /orders/{orderId}"] = new CannedResponse(status, JsonSerializer.Serialize(new { title, status }), "application/problem+json");

        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, $"/api/orders/{orderId}/details", Customer), Ct);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.DoesNotContain(Payments.Received, echo => echo.Path == $"/charges/{orderId}");
    }

    [Fact]
    public async Task Anonymous_callers_are_refused_before_any_service_is_asked()
    {
        var orderId = NewOrder(items: []);

        using var response = await platform.Client.GetAsync($"/api/orders/{orderId}/details", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(Ordering.Received, echo => echo.Path == $"/orders/{orderId}");
    }

    [Fact]
    public async Task A_failing_payments_service_is_a_503_problem_details_not_a_500()
    {
        var orderId = NewOrder(items: []);
        Payments.Canned[$"GET /charges/{orderId}"] = new CannedResponse(500, """{"title":"boom","status":500}""", "application/problem+json");

        using var response = await platform.Client.SendAsync(GatewayPlatform.Request(HttpMethod.Get, $"/api/orders/{orderId}/details", Customer), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private string NewOrder((int ProductId, int Quantity)[] items)
    {
        var orderId = Guid.NewGuid().ToString();
        var order = new
        {
            orderId,
            customerId = CustomerId,
            status = "Confirmed",
            items = items.Select(item => new { productId = item.ProductId, quantity = item.Quantity, unitPrice = 10m }),
            total = items.Sum(item => item.Quantity * 10m),
            steps = new[] { "reserved", "charged", "confirmed" },
        };
        Ordering.Canned[$"GET /orders/{orderId}"] = new CannedResponse(200, JsonSerializer.Serialize(order));
        return orderId;
    }

    private void Product(int id, string name) =>
        Catalog.Canned[$"GET /products/{id}"] = new CannedResponse(200, JsonSerializer.Serialize(new { id, name, price = 10m, stock = 5 }));
}
