using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.Gateway.Tests;

/// <summary>X-Request-Id on every request and response, and the caller's W3C trace carried to the service.</summary>
public sealed class RequestIdAndTracingTests(GatewayPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_without_an_id_gets_one_that_the_service_and_the_caller_both_see()
    {
        using var response = await platform.Client.GetAsync("/api/catalog/products", Ct);
        var echo = await response.Content.ReadFromJsonAsync<Echo>(Ct);

        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", requestId);
        Assert.Equal(requestId, echo!.Headers["x-request-id"]);
    }

    [Fact]
    public async Task A_sane_incoming_request_id_is_kept()
    {
        using var request = GatewayPlatform.Request(HttpMethod.Get, "/api/catalog/products");
        request.Headers.Add("X-Request-Id", "client-4f1c.7:a_b");

        using var response = await platform.Client.SendAsync(request, Ct);
        var echo = await response.Content.ReadFromJsonAsync<Echo>(Ct);

        Assert.Equal("client-4f1c.7:a_b", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.Equal("client-4f1c.7:a_b", echo!.Headers["x-request-id"]);
    }

    [Theory]
    [InlineData("has spaces and \"quotes\"")]
    [InlineData("forged\u00e9line")]
    [InlineData("")]
    public async Task An_insane_incoming_request_id_is_replaced(string incoming)
    {
        using var request = GatewayPlatform.Request(HttpMethod.Get, "/api/catalog/products");
        request.Headers.TryAddWithoutValidation("X-Request-Id", incoming);

        using var response = await platform.Client.SendAsync(request, Ct);
        var echo = await response.Content.ReadFromJsonAsync<Echo>(Ct);

        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", requestId);
        Assert.Equal(requestId, echo!.Headers["x-request-id"]);
    }

    [Fact]
    public async Task A_too_long_request_id_is_replaced()
    {
        using var request = GatewayPlatform.Request(HttpMethod.Get, "/api/catalog/products");
        request.Headers.Add("X-Request-Id", new string('a', 129));

        using var response = await platform.Client.SendAsync(request, Ct);

        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task Errors_answered_by_the_gateway_carry_the_request_id_too()
    {
        using var request = GatewayPlatform.Request(HttpMethod.Get, "/api/orders");
        request.Headers.Add("X-Request-Id", "unauthorized-call-1");

        using var response = await platform.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized-call-1", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task The_callers_trace_reaches_the_service_in_traceparent()
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = GatewayPlatform.Request(HttpMethod.Get, "/api/orders", TestTokens.Customer(Guid.NewGuid().ToString()));
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        using var response = await platform.Client.SendAsync(request, Ct);
        var echo = await response.Content.ReadFromJsonAsync<Echo>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traceparent = echo!.Headers["traceparent"].Split('-');
        Assert.Equal(traceId, traceparent[1]);
    }

    [Fact]
    public async Task The_aggregated_endpoint_carries_the_request_id_and_trace_to_every_service_it_calls()
    {
        var orderId = $"traced-{Guid.NewGuid():N}";
        platform.Apps["ordering"].Canned[$"GET /orders/{orderId}"] = new CannedResponse(200, JsonSerializer.Serialize(new { orderId, items = Array.Empty<object>() }));
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = GatewayPlatform.Request(HttpMethod.Get, $"/api/orders/{orderId}/details", TestTokens.Customer(Guid.NewGuid().ToString()));
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
        request.Headers.Add("X-Request-Id", $"details-{orderId}");

        using var response = await platform.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var atOrdering = Assert.Single(platform.Apps["ordering"].Received, echo => echo.Path == $"/orders/{orderId}");
        var atPayments = Assert.Single(platform.Apps["payments"].Received, echo => echo.Path == $"/charges/{orderId}");
        Assert.All([atOrdering, atPayments], echo =>
        {
            Assert.Equal($"details-{orderId}", echo.Headers["x-request-id"]);
            Assert.Equal(traceId, echo.Headers["traceparent"].Split('-')[1]);
        });
    }
}
