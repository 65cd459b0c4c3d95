using System.Diagnostics;
using System.Text.Json;

namespace DaprPlatform.EndToEnd.Tests.Faults;

/// <summary>
/// Payments down, then back: the saga retries its charge step (5 attempts, 1 s apart and doubling, so about 15 s)
/// and completes once payments answers again within that, or compensates once the attempts are spent.
/// </summary>
public sealed class PaymentsOutageTests(PlatformFixture platform)
{
    private const int Product = 1;

    // Down past the saga's third attempt (at about 3 s) and back, start-up included, before its fifth (about 15 s).
    private static readonly TimeSpan ShortOutage = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_order_charged_while_payments_is_down_waits_for_it_and_is_confirmed_charged_once_when_it_is_back()
    {
        using var customer = await platform.Client().SignUpAsync();
        var records = PlatformRecords.Of(platform);
        var stockBefore = (await records.StockAsync([Product]))[Product];

        string orderId;
        JsonElement order;
        DateTimeOffset paymentsBack;
        await using (var outage = await Outage.OfAppAsync("Payments"))
        {
            var down = Stopwatch.StartNew();
            orderId = await customer.PlaceOrderAsync(Product, quantity: 2);
            await WaitForStepAsync(customer, orderId, "charge-payment");
            if (ShortOutage > down.Elapsed)
            {
                await Task.Delay(ShortOutage - down.Elapsed, TestContext.Current.CancellationToken);
            }

            await outage.EndAsync();
            paymentsBack = outage.RelaunchedAt!.Value;
            TestContext.Current.TestOutputHelper?.WriteLine(outage.ToString());
            order = await customer.WaitForStatusAsync(orderId, SagaTimeout, "Confirmed", "Cancelled");
        }

        Assert.Equal("Confirmed", order.GetProperty("status").GetString());
        Assert.Equal(
            [("reserve-inventory", "Succeeded"), ("charge-payment", "Succeeded"), ("confirm-order", "Succeeded")],
            Steps(order));
        // The charge step waited for payments rather than giving up or succeeding without it.
        Assert.True(ChargeEndedAt(order) >= paymentsBack, $"the charge ended at {ChargeEndedAt(order):O}, before payments was back at {paymentsBack:O}");
        var entry = (await records.LedgerAsync([orderId]))[orderId];
        Assert.Equal("Charged", entry.Status);
        Assert.Equal(order.GetProperty("paymentId").GetString(), entry.PaymentId);
        Assert.Equal([entry.PaymentId!], entry.IndexedPaymentIds);
        Assert.Equal(stockBefore - 2, (await records.StockAsync([Product]))[Product]);
    }

    [Fact]
    public async Task An_order_whose_payments_stay_down_past_every_charge_attempt_is_cancelled_its_stock_released_and_never_charged()
    {
        using var customer = await platform.Client().SignUpAsync();
        var records = PlatformRecords.Of(platform);
        var stockBefore = (await records.StockAsync([Product]))[Product];

        string id;
        JsonElement order;
        await using (var outage = await Outage.OfAppAsync("Payments"))
        {
            id = await customer.PlaceOrderAsync(Product, quantity: 3);
            order = await customer.WaitForStatusAsync(id, SagaTimeout, "Confirmed", "Cancelled");
            await outage.EndAsync();
            TestContext.Current.TestOutputHelper?.WriteLine(outage.ToString());
        }

        Assert.Equal("Cancelled", order.GetProperty("status").GetString());
        Assert.StartsWith("charge-payment failed", order.GetProperty("cancellationReason").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            [("reserve-inventory", "Succeeded"), ("charge-payment", "Failed"), ("release-inventory", "Compensated"), ("cancel-order", "Succeeded")],
            Steps(order));
        Assert.Equal(JsonValueKind.Null, order.GetProperty("paymentId").ValueKind);
        Assert.Equal(stockBefore, (await records.StockAsync([Product]))[Product]);
        Assert.Equal("Released", Assert.Single((await records.ReservationsAsync([id]))[id]).Status);
        var entry = (await records.LedgerAsync([id]))[id];
        Assert.Null(entry.Status);
        Assert.Empty(entry.IndexedPaymentIds);

        // Payments is back and the next order goes through (the circuit breaker its failures opened has closed again).
        var next = await customer.PlaceOrderAsync(Product, quantity: 1);
        Assert.Equal("Confirmed", (await customer.WaitForStatusAsync(next, SagaTimeout, "Confirmed", "Cancelled")).GetProperty("status").GetString());
    }

    /// <summary>Waits until the saga is at <paramref name="step"/> (started, not ended).</summary>
    private static async Task WaitForStepAsync(PlatformClient customer, string orderId, string step)
    {
        var deadline = DateTime.UtcNow + SagaTimeout;
        JsonElement order;
        do
        {
            order = await customer.GetOrderAsync(orderId);
            if (order.GetProperty("steps") is { ValueKind: JsonValueKind.Array } steps
                && steps.EnumerateArray().Any(s => s.GetProperty("name").GetString() == step && s.GetProperty("status").GetString() == "Running"))
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"order {orderId} never reached {step}: {order}");
    }

    private static DateTimeOffset ChargeEndedAt(JsonElement order) =>
        order.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "charge-payment").GetProperty("endedAt").GetDateTimeOffset();

    private static List<(string Name, string Status)> Steps(JsonElement order) =>
        [.. order.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("status").GetString()!))];
}
