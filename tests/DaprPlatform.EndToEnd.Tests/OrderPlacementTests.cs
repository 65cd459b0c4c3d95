using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>Placing orders through the gateway: idempotency, bad input, who sees what.</summary>
public sealed class OrderPlacementTests(PlatformFixture platform)
{
    private static readonly object OneMug = new { items = new[] { new { productId = 3, quantity = 1 } }, paymentMethod = "pm_card_visa" };

    [Fact]
    public async Task The_same_Idempotency_Key_twice_places_one_order_and_answers_it_twice()
    {
        using var customer = await platform.Client().SignUpAsync();
        var key = Guid.NewGuid().ToString();

        using var first = await customer.PlaceOrderAsync(OneMug, key);
        using var second = await customer.PlaceOrderAsync(OneMug, key);
        var orders = await customer.Http.GetFromJsonAsync<JsonElement>("/api/orders", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(await OrderIdAsync(first), await OrderIdAsync(second));
        Assert.Equal(1, orders.GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Concurrent_requests_with_one_Idempotency_Key_place_one_order()
    {
        using var customer = await platform.Client().SignUpAsync();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => customer.PlaceOrderAsync(OneMug, key)));
        var ids = await Task.WhenAll(responses.Select(OrderIdAsync));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, (await customer.Http.GetFromJsonAsync<JsonElement>("/api/orders", TestContext.Current.CancellationToken)).GetProperty("total").GetInt64());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task An_Idempotency_Key_reused_for_another_order_is_422_and_places_nothing()
    {
        using var customer = await platform.Client().SignUpAsync();
        var key = Guid.NewGuid().ToString();

        using var first = await customer.PlaceOrderAsync(OneMug, key);
        using var other = await customer.PlaceOrderAsync(new { items = new[] { new { productId = 3, quantity = 2 } }, paymentMethod = "pm_card_visa" }, key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, (await customer.Http.GetFromJsonAsync<JsonElement>("/api/orders", TestContext.Current.CancellationToken)).GetProperty("total").GetInt64());
    }

    public static TheoryData<string> HostileBodies => new()
    {
        "",
        "not json",
        "{\"items\":[],\"paymentMethod\":\"pm_card_visa\"}",
        "{\"items\":[{\"productId\":3,\"quantity\":0}],\"paymentMethod\":\"pm_card_visa\"}",
        "{\"items\":[{\"productId\":3,\"quantity\":-5}],\"paymentMethod\":\"pm_card_visa\"}",
        "{\"items\":[{\"productId\":3,\"quantity\":1},{\"productId\":3,\"quantity\":1}],\"paymentMethod\":\"pm_card_visa\"}",
        "{\"items\":[{\"productId\":999999,\"quantity\":1}],\"paymentMethod\":\"pm_card_visa\"}",
        "{\"items\":[{\"productId\":true,\"quantity\":1}],\"paymentMethod\":\"pm_card_visa\"}",
        "{\"items\":[{\"productId\":3,\"quantity\":1}]}",
        "{\"items\":[{\"productId\":3,\"quantity\":99999999999}],\"paymentMethod\":\"pm_card_visa\"}",
        "{\"items\":null,\"paymentMethod\":\"pm_card_visa\"}",
        "[1,2,3]",
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task A_malformed_order_is_400_problem_details_and_places_nothing(string body)
    {
        using var customer = await platform.Client().SignUpAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        using var response = await customer.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, await PlatformClient.DescribeAsync(response));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await customer.Http.GetFromJsonAsync<JsonElement>("/api/orders", TestContext.Current.CancellationToken)).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_customer_cannot_see_or_cancel_another_customers_order()
    {
        using var owner = await platform.Client().SignUpAsync();
        using var other = await platform.Client().SignUpAsync();
        var orderId = await owner.PlaceOrderAsync(productId: 1, quantity: 1);

        using var read = await other.Http.GetAsync($"/api/orders/{orderId}", TestContext.Current.CancellationToken);
        using var cancel = await other.Http.PostAsync($"/api/orders/{orderId}/cancel", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(0, (await other.Http.GetFromJsonAsync<JsonElement>("/api/orders", TestContext.Current.CancellationToken)).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task Orders_need_a_signed_in_user()
    {
        using var anonymous = platform.Client();

        using var place = await anonymous.PlaceOrderAsync(OneMug);
        using var list = await anonymous.Http.GetAsync("/api/orders", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, place.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task An_unknown_route_is_404_problem_details()
    {
        using var customer = await platform.Client().SignUpAsync();

        using var response = await customer.Http.GetAsync("/api/nowhere/at/all", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<string> OrderIdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("orderId").GetString()!;
}
