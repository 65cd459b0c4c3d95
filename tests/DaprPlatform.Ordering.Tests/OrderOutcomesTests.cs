using System.Text.Json;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Ordering.Saga;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// The saga's final writes: status and integration event in one transaction, each at most once however often a
/// retried activity asks, and never the other ending of an order already ended.
/// </summary>
[Collection(OrderingCollection.Name)]
public sealed class OrderOutcomesTests(OrderingPlatform platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderOutcomes Outcomes => platform.Services.GetRequiredService<OrderOutcomes>();

    [Fact]
    public async Task Confirming_twice_confirms_the_order_with_one_order_confirmed_event()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());

        await Outcomes.ConfirmAsync(order.Id, "pay_1", Ct);
        await Outcomes.ConfirmAsync(order.Id, "pay_1", Ct);

        var confirmed = (await platform.FindOrderAsync(order.Id))!;
        Assert.Equal((OrderStatus.Confirmed, "pay_1"), (confirmed.Status, confirmed.PaymentId));
        using var payload = JsonDocument.Parse(Assert.Single(await platform.OutboxPayloadsAsync(Topics.OrderConfirmed, order.Id)));
        Assert.Equal(order.CustomerId, payload.RootElement.GetProperty("customerId").GetString());
        Assert.Equal(order.Total, payload.RootElement.GetProperty("total").GetDecimal());
        var line = Assert.Single(payload.RootElement.GetProperty("lines").EnumerateArray().ToList());
        Assert.Equal(("3", 2), (line.GetProperty("productId").GetString(), line.GetProperty("quantity").GetInt32()));
        Assert.Empty(await platform.OutboxPayloadsAsync(Topics.OrderCancelled, order.Id));
    }

    [Fact]
    public async Task Concurrent_confirmations_write_one_order_confirmed_event()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Outcomes.ConfirmAsync(order.Id, "pay_2", Ct)));

        Assert.Single(await platform.OutboxPayloadsAsync(Topics.OrderConfirmed, order.Id));
    }

    [Fact]
    public async Task Cancelling_a_confirmed_order_throws_and_writes_nothing()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());
        await Outcomes.ConfirmAsync(order.Id, "pay_3", Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Outcomes.CancelAsync(order.Id, "payment declined", Ct));

        var after = (await platform.FindOrderAsync(order.Id))!;
        Assert.Equal((OrderStatus.Confirmed, null), (after.Status, after.CancellationReason));
        Assert.Empty(await platform.OutboxPayloadsAsync(Topics.OrderCancelled, order.Id));
        Assert.Single(await platform.OutboxPayloadsAsync(Topics.OrderConfirmed, order.Id));
    }

    [Fact]
    public async Task Confirming_a_cancelled_order_throws_and_writes_nothing()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());
        await Outcomes.CancelAsync(order.Id, "out of stock", Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Outcomes.ConfirmAsync(order.Id, "pay_4", Ct));

        var after = (await platform.FindOrderAsync(order.Id))!;
        Assert.Equal((OrderStatus.Cancelled, null), (after.Status, after.PaymentId));
        Assert.Empty(await platform.OutboxPayloadsAsync(Topics.OrderConfirmed, order.Id));
    }

    [Fact]
    public async Task Cancelling_twice_writes_one_order_cancelled_event_and_keeps_the_first_reason()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString());

        await Outcomes.CancelAsync(order.Id, "payment declined: card_declined", Ct);
        await Outcomes.CancelAsync(order.Id, "approval timed out", Ct);

        var cancelled = (await platform.FindOrderAsync(order.Id))!;
        Assert.Equal((OrderStatus.Cancelled, "payment declined: card_declined"), (cancelled.Status, cancelled.CancellationReason));
        using var payload = JsonDocument.Parse(Assert.Single(await platform.OutboxPayloadsAsync(Topics.OrderCancelled, order.Id)));
        Assert.Equal("payment declined: card_declined", payload.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Ending_an_order_that_does_not_exist_throws_and_writes_nothing()
    {
        var id = Guid.NewGuid().ToString();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Outcomes.ConfirmAsync(id, "pay_5", Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Outcomes.CancelAsync(id, "why", Ct));

        Assert.Empty(await platform.OutboxPayloadsAsync(Topics.OrderConfirmed, id));
        Assert.Empty(await platform.OutboxPayloadsAsync(Topics.OrderCancelled, id));
    }
}
