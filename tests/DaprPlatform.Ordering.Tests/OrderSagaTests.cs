using DaprPlatform.IntegrationEvents;
using DaprPlatform.Ordering.Model;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// The saga as the ordering service runs it, with its activities calling the real catalog and payments through Dapr:
/// the end of each order is written once, with its event, and a decline never marks an order paid.
/// </summary>
[Collection(OrderingCollection.Name)]
public sealed class OrderSagaTests(OrderingPlatform platform)
{
    [Fact]
    public async Task An_order_below_the_threshold_is_charged_and_confirmed_with_one_order_confirmed_event()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());

        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request(items: [(1, 1), (8, 2)]));

        var order = await customer.WaitForStatusAsync(orderId, nameof(OrderStatus.Confirmed));
        Assert.NotNull(order.PaymentId);
        Assert.Single(await platform.OutboxPayloadsAsync(Topics.OrderConfirmed, orderId));
        Assert.Empty(await platform.OutboxPayloadsAsync(Topics.OrderCancelled, orderId));
    }

    [Fact]
    public async Task A_declined_payment_cancels_the_order_and_never_marks_it_paid()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());

        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request("pm_card_chargeDeclined", (2, 1)));

        var order = await customer.WaitForStatusAsync(orderId, nameof(OrderStatus.Cancelled));
        Assert.Null(order.PaymentId);
        Assert.Equal("payment declined: card_declined", order.CancellationReason);
        Assert.Single(await platform.OutboxPayloadsAsync(Topics.OrderCancelled, orderId));
        Assert.Empty(await platform.OutboxPayloadsAsync(Topics.OrderConfirmed, orderId));
    }

    [Fact]
    public async Task An_order_for_more_than_the_stock_is_cancelled_as_out_of_stock_and_never_charged()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());

        // Seed product 4 has 25; the order is within the API's limit but above the stock.
        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request(items: [(4, 26)]));

        var order = await customer.WaitForStatusAsync(orderId, nameof(OrderStatus.Cancelled));
        Assert.StartsWith("out of stock", order.CancellationReason, StringComparison.Ordinal);
        Assert.DoesNotContain(order.Steps!, s => s.Name == "charge-payment");
    }
}
