using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Ordering.Apis;
using DaprPlatform.Ordering.Model;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Ordering.Tests;

/// <summary>Every customer's orders for admins (the console's approvals page): newest first, filtered by the status a view shows.</summary>
[Collection(OrderingCollection.Name)]
public sealed class AdminOrderListTests(OrderingPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_list_has_every_customers_orders_newest_first_each_with_its_customer()
    {
        // Far ahead of every other test's orders, so these two are the newest.
        var at = new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(100_000));
        var (alice, bob) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var older = await platform.InsertOrderAsync(alice, OrderStatus.Confirmed, at);
        var newer = await platform.InsertOrderAsync(bob, OrderStatus.Confirmed, at.AddMinutes(1));
        using var admin = platform.Admin();

        var page = await admin.GetFromJsonAsync<AdminOrderPage>("/orders/all?status=Confirmed&page=1&pageSize=2", Ct);

        Assert.Equal(
            [(newer.Id, bob, "Confirmed", 1), (older.Id, alice, "Confirmed", 1)],
            page!.Items.Select(o => (o.OrderId, o.CustomerId, o.Status, o.ItemCount)));
        Assert.True(page.Total >= 2);
    }

    [Fact]
    public async Task Filtering_by_AwaitingApproval_lists_the_orders_waiting_for_an_admin_and_no_other()
    {
        var customerId = Guid.NewGuid().ToString();
        using var customer = platform.Customer(customerId);
        var waiting = await customer.PlaceOrderAsync(OrderRequests.Request(items: [(5, 1)]));
        await customer.WaitForStatusAsync(waiting, OrdersApi.AwaitingApproval);
        var confirmed = await platform.InsertOrderAsync(customerId, OrderStatus.Confirmed);
        var pending = await platform.InsertOrderAsync(customerId);
        using var admin = platform.Admin();

        var page = await admin.GetFromJsonAsync<AdminOrderPage>($"/orders/all?status=awaitingapproval&pageSize={OrdersApi.MaxPageSize}", Ct);

        Assert.Contains(page!.Items, o => o.OrderId == waiting && o.CustomerId == customerId);
        Assert.DoesNotContain(page.Items, o => o.OrderId == confirmed.Id || o.OrderId == pending.Id);
        Assert.All(page.Items, o => Assert.Equal(OrdersApi.AwaitingApproval, o.Status));
        Assert.Equal(page.Items.Count, page.Total);
    }

    [Theory]
    [InlineData("status=Shipped", "status")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=101", "pageSize")]
    public async Task An_unknown_status_or_a_page_out_of_range_is_a_400_problem_naming_it(string query, string field)
    {
        using var admin = platform.Admin();

        using var response = await admin.GetAsync($"/orders/all?{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>(Ct);
        Assert.Equal([field], problem!.Errors.Keys);
    }

    [Fact]
    public async Task A_customer_asking_for_every_order_is_refused_not_answered_as_an_order_named_all()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());

        using var response = await customer.GetAsync("/orders/all", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
