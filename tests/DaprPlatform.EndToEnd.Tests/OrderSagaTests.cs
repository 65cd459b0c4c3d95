using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>The order saga through the gateway, on real services, sidecars and servers.</summary>
public sealed class OrderSagaTests(PlatformFixture platform)
{
    private static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_paid_order_is_confirmed_its_stock_sold_and_every_step_shown()
    {
        using var customer = await platform.Client().SignUpAsync();
        var stockBefore = await customer.StockAsync(2);

        var orderId = await customer.PlaceOrderAsync(productId: 2, quantity: 2);
        var order = await customer.WaitForStatusAsync(orderId, SagaTimeout, "Confirmed", "Cancelled");

        Assert.Equal("Confirmed", order.GetProperty("status").GetString());
        Assert.Equal(23.00m, order.GetProperty("total").GetDecimal());
        Assert.False(string.IsNullOrEmpty(order.GetProperty("paymentId").GetString()));
        Assert.Equal(
            [("reserve-inventory", "Succeeded"), ("charge-payment", "Succeeded"), ("confirm-order", "Succeeded")],
            Steps(order));
        Assert.Equal(stockBefore - 2, await customer.StockAsync(2));
        Assert.Equal((1, 1), await ReservationCountsAsync(orderId, "Committed"));
    }

    [Fact]
    public async Task A_declined_payment_cancels_the_order_releases_its_stock_and_never_marks_it_paid()
    {
        using var customer = await platform.Client().SignUpAsync();
        var stockBefore = await customer.StockAsync(3);

        var orderId = await customer.PlaceOrderAsync(productId: 3, quantity: 1, paymentMethod: "pm_card_chargeDeclined");
        var order = await customer.WaitForStatusAsync(orderId, SagaTimeout, "Confirmed", "Cancelled");

        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.Contains("payment declined", order.GetProperty("cancellationReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, order.GetProperty("paymentId").ValueKind);
        Assert.Equal(
            [("reserve-inventory", "Succeeded"), ("charge-payment", "Failed"), ("release-inventory", "Compensated"), ("cancel-order", "Succeeded")],
            Steps(order));
        Assert.Equal(stockBefore, await customer.StockAsync(3));
        Assert.Equal((1, 1), await ReservationCountsAsync(orderId, "Released"));
    }

    [Fact]
    public async Task An_order_beyond_the_stock_is_cancelled_as_out_of_stock_and_nothing_is_charged_or_reserved()
    {
        using var customer = await platform.Client().SignUpAsync();
        var stock = await customer.StockAsync(4);

        var orderId = await customer.PlaceOrderAsync(productId: 4, quantity: stock + 1);
        var order = await customer.WaitForStatusAsync(orderId, SagaTimeout, "Confirmed", "Cancelled", "AwaitingApproval");

        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.Contains("out of stock", order.GetProperty("cancellationReason").GetString(), StringComparison.Ordinal);
        Assert.Equal([("reserve-inventory", "Failed"), ("cancel-order", "Succeeded")], Steps(order));
        Assert.Equal(stock, await customer.StockAsync(4));
    }

    [Fact]
    public async Task An_order_above_the_threshold_waits_for_an_admin_and_is_confirmed_once_approved()
    {
        using var customer = await platform.Client().SignUpAsync();
        using var admin = await platform.Client().LoginAsync(platform.AdminEmail, platform.AdminPassword);

        var orderId = await customer.PlaceOrderAsync(productId: 5, quantity: 1);
        await customer.WaitForStatusAsync(orderId, SagaTimeout, "AwaitingApproval");
        using var byCustomer = await customer.Http.PostAsync($"/api/orders/{orderId}/approve", null, TestContext.Current.CancellationToken);
        using var byAdmin = await admin.Http.PostAsync($"/api/orders/{orderId}/approve", null, TestContext.Current.CancellationToken);
        var order = await customer.WaitForStatusAsync(orderId, SagaTimeout, "Confirmed", "Cancelled");

        Assert.Equal(HttpStatusCode.Forbidden, byCustomer.StatusCode);
        Assert.True(byAdmin.StatusCode == HttpStatusCode.Accepted, await PlatformClient.DescribeAsync(byAdmin));
        Assert.Equal("Confirmed", order.GetProperty("status").GetString());
        Assert.Equal(
            [("reserve-inventory", "Succeeded"), ("approval", "Succeeded"), ("charge-payment", "Succeeded"), ("confirm-order", "Succeeded")],
            Steps(order));
    }

    [Fact]
    public async Task An_order_an_admin_rejects_is_cancelled_with_the_reason_and_its_stock_released()
    {
        using var customer = await platform.Client().SignUpAsync();
        using var admin = await platform.Client().LoginAsync(platform.AdminEmail, platform.AdminPassword);
        var stockBefore = await customer.StockAsync(5);

        var orderId = await customer.PlaceOrderAsync(productId: 5, quantity: 1);
        await customer.WaitForStatusAsync(orderId, SagaTimeout, "AwaitingApproval");
        using var reject = await admin.Http.PostAsJsonAsync($"/api/orders/{orderId}/reject", new { reason = "suspicious" }, TestContext.Current.CancellationToken);
        var order = await customer.WaitForStatusAsync(orderId, SagaTimeout, "Confirmed", "Cancelled");

        Assert.Equal(HttpStatusCode.Accepted, reject.StatusCode);
        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.Contains("suspicious", order.GetProperty("cancellationReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(stockBefore, await customer.StockAsync(5));
    }

    [Fact]
    public async Task An_approval_that_never_comes_times_out_cancels_the_order_and_releases_its_stock()
    {
        using var customer = await platform.Client().SignUpAsync();
        var stockBefore = await customer.StockAsync(5);

        var orderId = await customer.PlaceOrderAsync(productId: 5, quantity: 1);
        await customer.WaitForStatusAsync(orderId, SagaTimeout, "AwaitingApproval");
        var order = await customer.WaitForStatusAsync(orderId, PlatformFixture.ApprovalTimeout + SagaTimeout, "Confirmed", "Cancelled");

        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.Contains("approval timed out", order.GetProperty("cancellationReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(stockBefore, await customer.StockAsync(5));
        Assert.Equal((1, 1), await ReservationCountsAsync(orderId, "Released"));
    }

    [Fact]
    public async Task A_customer_can_withdraw_an_order_waiting_for_approval_but_not_a_confirmed_one()
    {
        using var customer = await platform.Client().SignUpAsync();

        var waiting = await customer.PlaceOrderAsync(productId: 5, quantity: 1);
        await customer.WaitForStatusAsync(waiting, SagaTimeout, "AwaitingApproval");
        using var cancel = await customer.Http.PostAsync($"/api/orders/{waiting}/cancel", null, TestContext.Current.CancellationToken);
        var cancelled = await customer.WaitForStatusAsync(waiting, SagaTimeout, "Confirmed", "Cancelled");
        var confirmed = await customer.PlaceOrderAsync(productId: 1, quantity: 1);
        await customer.WaitForStatusAsync(confirmed, SagaTimeout, "Confirmed");
        using var tooLate = await customer.Http.PostAsync($"/api/orders/{confirmed}/cancel", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
    }

    [Fact]
    public async Task Concurrent_orders_for_the_last_items_never_oversell()
    {
        await SetStockAsync(productId: 8, stock: 3);
        var customers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => platform.Client().SignUpAsync()));
        try
        {
            var orders = await Task.WhenAll(customers.Select(c => c.PlaceOrderAsync(productId: 8, quantity: 1)));
            var finals = await Task.WhenAll(customers.Zip(orders, (c, id) => c.WaitForStatusAsync(id, SagaTimeout, "Confirmed", "Cancelled")));

            Assert.Equal(3, finals.Count(o => o.GetProperty("status").GetString() == "Confirmed"));
            Assert.All(
                finals.Where(o => o.GetProperty("status").GetString() == "Cancelled"),
                o => Assert.Contains("out of stock", o.GetProperty("cancellationReason").GetString(), StringComparison.Ordinal));
            Assert.Equal(0, await customers[0].StockAsync(8));
        }
        finally
        {
            foreach (var customer in customers)
            {
                customer.Dispose();
            }
        }
    }

    private static List<(string Name, string Status)> Steps(JsonElement order) =>
        [.. order.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("status").GetString()!))];

    /// <summary>How many reservations the order has in catalog's database, and how many of them have <paramref name="status"/>.</summary>
    private async Task<(int All, int WithStatus)> ReservationCountsAsync(string orderId, string status)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionStrings["catalogdb"]);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*)::int, count(*) FILTER (WHERE \"Status\" = @status)::int FROM reservations WHERE \"OrderId\" = @order", connection);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("order", orderId);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        await reader.ReadAsync(TestContext.Current.CancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    private async Task SetStockAsync(int productId, int stock)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionStrings["catalogdb"]);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("UPDATE products SET \"AvailableStock\" = @stock WHERE \"Id\" = @id", connection);
        command.Parameters.AddWithValue("stock", stock);
        command.Parameters.AddWithValue("id", productId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }
}
