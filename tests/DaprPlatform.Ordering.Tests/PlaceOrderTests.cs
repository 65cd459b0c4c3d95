using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Ordering.Apis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Ordering.Tests;

/// <summary>POST /orders: validation (400, nothing stored) and idempotency by customer and Idempotency-Key.</summary>
[Collection(OrderingCollection.Name)]
public sealed class PlaceOrderTests(OrderingPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> BadBodies =>
    [
        "{}",
        """{"paymentMethod":"pm_card_visa"}""",
        """{"items":[],"paymentMethod":"pm_card_visa"}""",
        """{"items":[null],"paymentMethod":"pm_card_visa"}""",
        """{"items":[{"productId":3,"quantity":0}],"paymentMethod":"pm_card_visa"}""",
        """{"items":[{"productId":3,"quantity":-1}],"paymentMethod":"pm_card_visa"}""",
        """{"items":[{"productId":3,"quantity":1001}],"paymentMethod":"pm_card_visa"}""",
        """{"items":[{"productId":0,"quantity":1}],"paymentMethod":"pm_card_visa"}""",
        """{"items":[{"quantity":1}],"paymentMethod":"pm_card_visa"}""",
        """{"items":[{"productId":3,"quantity":1},{"productId":3,"quantity":2}],"paymentMethod":"pm_card_visa"}""",
        $$"""{"items":[{{string.Join(',', Enumerable.Range(1, OrdersApi.MaxItems + 1).Select(Item))}}],"paymentMethod":"pm_card_visa"}""",
        """{"items":[{"productId":3,"quantity":1}]}""",
        """{"items":[{"productId":3,"quantity":1}],"paymentMethod":"   "}""",
        $$"""{"items":[{"productId":3,"quantity":1}],"paymentMethod":"{{new string('p', 101)}}"}""",
        """{"items":[{"productId":3,"quantity":"two"}],"paymentMethod":"pm_card_visa"}""",
        """{"items":[{"productId":3,"quantity":2147483648}],"paymentMethod":"pm_card_visa"}""",
        """{"items":{"productId":3,"quantity":1},"paymentMethod":"pm_card_visa"}""",
        "{\"items\":[{\"productId\":3,\"quantity\":1}],\"paymentMethod\":\"pm_card_vi",
        """[{"productId":3,"quantity":1}]""",
        "null",
        "",
    ];

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_body_is_a_400_problem_and_stores_nothing(string body)
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);

        using var response = await client.PlaceRawAsync(body, idempotencyKey: Guid.NewGuid().ToString());

        await AssertBadRequestAsync(response);
        Assert.Equal(0, await platform.CountOrdersAsync(customer));
    }

    [Fact]
    public async Task An_unknown_product_is_a_400_naming_it_and_stores_nothing()
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);

        using var response = await client.PlaceAsync(OrderRequests.Request(items: [(3, 1), (987654, 1)]));

        var problem = await AssertBadRequestAsync(response);
        Assert.Contains("987654", Assert.Single(problem.Errors["items"]), StringComparison.Ordinal);
        Assert.Equal(0, await platform.CountOrdersAsync(customer));
    }

    [Fact]
    public async Task An_idempotency_key_over_200_characters_is_a_400_and_stores_nothing()
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);

        using var response = await client.PlaceAsync(OrderRequests.Request(), new string('k', 201));

        var problem = await AssertBadRequestAsync(response);
        Assert.True(problem.Errors.ContainsKey(OrdersApi.IdempotencyKeyHeader));
        Assert.Equal(0, await platform.CountOrdersAsync(customer));
    }

    [Fact]
    public async Task An_idempotency_key_of_200_characters_is_accepted()
    {
        using var client = platform.Customer(NewCustomer());

        using var response = await client.PlaceAsync(OrderRequests.Request(), new string('k', 200));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task The_same_key_twice_is_one_order_answered_with_the_same_id()
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);
        var key = Guid.NewGuid().ToString();

        var first = await client.PlaceOrderAsync(OrderRequests.Request(), key);
        using var again = await client.PlaceAsync(OrderRequests.Request(), key);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(first, (await again.Content.ReadFromJsonAsync<OrderAccepted>(Ct))!.OrderId);
        Assert.Equal($"/orders/{first}", again.Headers.Location?.OriginalString);
        Assert.Equal(1, await platform.CountOrdersAsync(customer));
    }

    [Fact]
    public async Task The_same_items_listed_in_another_order_under_one_key_are_the_same_order()
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);
        var key = Guid.NewGuid().ToString();

        var first = await client.PlaceOrderAsync(OrderRequests.Request(items: [(1, 1), (3, 2)]), key);
        var again = await client.PlaceOrderAsync(OrderRequests.Request(items: [(3, 2), (1, 1)]), key);

        Assert.Equal(first, again);
        Assert.Equal(1, await platform.CountOrdersAsync(customer));
    }

    [Fact]
    public async Task A_key_reused_with_another_body_is_a_422_and_stores_nothing_more()
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);
        var key = Guid.NewGuid().ToString();
        var first = await client.PlaceOrderAsync(OrderRequests.Request(items: [(3, 1)]), key);

        using var reused = await client.PlaceAsync(OrderRequests.Request(items: [(3, 2)]), key);
        using var otherPayment = await client.PlaceAsync(OrderRequests.Request("pm_card_chargeDeclined", (3, 1)), key);

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (reused.StatusCode, otherPayment.StatusCode));
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        Assert.Contains(first, (await reused.Content.ReadFromJsonAsync<ProblemDetails>(Ct))!.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await platform.CountOrdersAsync(customer));
        Assert.Equal(1, (await platform.FindOrderAsync(first))!.Items.Single().Quantity);
    }

    [Fact]
    public async Task One_key_used_by_two_customers_is_two_orders()
    {
        var key = Guid.NewGuid().ToString();
        using var ada = platform.Customer(NewCustomer());
        using var grace = platform.Customer(NewCustomer());

        var adas = await ada.PlaceOrderAsync(OrderRequests.Request(), key);
        var graces = await grace.PlaceOrderAsync(OrderRequests.Request(), key);

        Assert.NotEqual(adas, graces);
    }

    [Fact]
    public async Task Without_a_key_each_request_is_an_order_of_its_own()
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);

        var first = await client.PlaceOrderAsync(OrderRequests.Request());
        var second = await client.PlaceOrderAsync(OrderRequests.Request());

        Assert.NotEqual(first, second);
        Assert.Equal(2, await platform.CountOrdersAsync(customer));
    }

    [Fact]
    public async Task Ten_concurrent_requests_with_one_key_are_one_order_row_and_one_answer()
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.PlaceAsync(OrderRequests.Request(items: [(2, 1)]), key)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<OrderAccepted>(Ct))!.OrderId));
        Assert.Single(ids.Distinct());
        Assert.Equal(1, await platform.CountOrdersAsync(customer));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task An_accepted_order_is_priced_from_the_catalog_and_its_saga_scheduled()
    {
        var customer = NewCustomer();
        using var client = platform.Customer(customer);

        var id = await client.PlaceOrderAsync(OrderRequests.Request(items: [(1, 2), (3, 1)]));

        var order = (await platform.FindOrderAsync(id))!;
        Assert.Equal(2 * 24.90m + 9.00m, order.Total);
        Assert.Equal(["Espresso beans 1 kg", "Ceramic mug"], order.Items.OrderBy(i => i.ProductId).Select(i => i.ProductName));
        Assert.NotNull(order.SagaStartedAt);
        Assert.True((await platform.Workflows.GetWorkflowStateAsync(id, getInputsAndOutputs: false, Ct)).Exists);
    }

    private static string Item(int productId) => $$"""{"productId":{{productId}},"quantity":1}""";

    private static string NewCustomer() => Guid.NewGuid().ToString();

    private static async Task<HttpValidationProblemDetails> AssertBadRequestAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(Ct))!;
    }
}
