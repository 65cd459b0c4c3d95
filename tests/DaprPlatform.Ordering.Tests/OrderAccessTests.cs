using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Ordering.Apis;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Testing;

namespace DaprPlatform.Ordering.Tests;

/// <summary>Who reads which orders: a customer their own (another's is 404, its existence not theirs to know), an admin any.</summary>
[Collection(OrderingCollection.Name)]
public sealed class OrderAccessTests(OrderingPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Routes =>
    [
        ("GET", "/orders"),
        ("POST", "/orders"),
        ("GET", "/orders/some-order"),
        ("POST", "/orders/some-order/cancel"),
        ("POST", "/orders/some-order/approve"),
        ("POST", "/orders/some-order/reject"),
    ];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_request_without_a_valid_token_is_401(string method, string path)
    {
        foreach (var token in new[] { null, TestTokens.Expired("someone", "admin"), TestTokens.AlgNone("someone", "admin"), TestTokens.WrongAudience("someone", "admin") })
        {
            using var client = platform.As(token);
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_customer_reads_their_own_order_with_its_items_and_saga_steps()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());
        using var customer = platform.Customer(order.CustomerId);

        var view = await customer.GetOrderAsync(order.Id);

        Assert.Equal((order.Id, order.CustomerId, "Pending", 18.00m), (view.OrderId, view.CustomerId, view.Status, view.Total));
        Assert.Equal(new OrderItemView(3, "Ceramic mug", 2, 9.00m), Assert.Single(view.Items));
        // No workflow was ever scheduled for this row: no steps yet, but readable.
        Assert.Empty(view.Steps!);
    }

    [Fact]
    public async Task Another_customers_order_is_404_to_a_customer()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());
        using var stranger = platform.Customer(Guid.NewGuid().ToString());

        using var read = await stranger.GetAsync($"/orders/{order.Id}", Ct);
        using var cancel = await stranger.PostAsync($"/orders/{order.Id}/cancel", null, Ct);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (read.StatusCode, cancel.StatusCode));
        Assert.Equal("application/problem+json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(OrderStatus.Pending, (await platform.FindOrderAsync(order.Id))!.Status);
    }

    [Fact]
    public async Task An_admin_reads_any_customers_order()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());
        using var admin = platform.Admin();

        var view = await admin.GetOrderAsync(order.Id);

        Assert.Equal((order.Id, order.CustomerId), (view.OrderId, view.CustomerId));
    }

    [Fact]
    public async Task An_unknown_order_is_404()
    {
        using var admin = platform.Admin();

        using var response = await admin.GetAsync($"/orders/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_list_holds_only_the_customers_own_orders_newest_first_one_page_at_a_time()
    {
        var customer = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow;
        var oldest = await platform.InsertOrderAsync(customer, createdAt: now.AddMinutes(-3));
        var newest = await platform.InsertOrderAsync(customer, OrderStatus.Confirmed, createdAt: now.AddMinutes(-1));
        var middle = await platform.InsertOrderAsync(customer, OrderStatus.Cancelled, createdAt: now.AddMinutes(-2));
        await platform.InsertOrderAsync(Guid.NewGuid().ToString(), createdAt: now);
        using var client = platform.Customer(customer);

        var first = (await client.GetFromJsonAsync<OrderPage>("/orders?page=1&pageSize=2", Ct))!;
        var second = (await client.GetFromJsonAsync<OrderPage>("/orders?page=2&pageSize=2", Ct))!;

        Assert.Equal((3L, 3L), (first.Total, second.Total));
        Assert.Equal([newest.Id, middle.Id], first.Items.Select(o => o.OrderId));
        Assert.Equal([oldest.Id], second.Items.Select(o => o.OrderId));
        var summary = first.Items[0];
        Assert.Equal(("Confirmed", 18.00m, 1), (summary.Status, summary.Total, summary.ItemCount));
    }

    [Fact]
    public async Task An_admins_list_is_their_own_orders_too()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());
        using var admin = platform.Admin();

        var page = (await admin.GetFromJsonAsync<OrderPage>($"/orders?pageSize={OrdersApi.MaxPageSize}", Ct))!;

        Assert.DoesNotContain(page.Items, o => o.OrderId == order.Id);
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=101")]
    [InlineData("page=abc")]
    public async Task A_page_out_of_range_is_400(string query)
    {
        using var client = platform.Customer(Guid.NewGuid().ToString());

        using var response = await client.GetAsync($"/orders?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
