using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.EndToEnd.Tests.Faults;

/// <summary>
/// The issue's fault test: 300 orders placed through the gateway while the ordering service, the payments sidecar
/// and RabbitMQ are each killed and started again. Afterwards every order is final, stock is conserved, each
/// confirmed order was charged exactly once and each cancelled one refunded or never charged, and analytics counted
/// every confirmed order once — checked in the databases and the ledger, not only through the API.
/// </summary>
public sealed class CrashRecoveryTests(PlatformFixture platform)
{
    private const int OrderCount = 300;
    private const int CustomerCount = 10;
    private const string Visa = "pm_card_visa";
    private const string Declined = "pm_card_chargeDeclined";

    // About 9 orders a second for 33 s: the faults below all happen while orders are placed.
    private static readonly TimeSpan PlacementInterval = TimeSpan.FromMilliseconds(110);
    private static readonly TimeSpan PlacementRetryFor = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan AnalyticsTimeout = TimeSpan.FromSeconds(60);

    // Ample stock, except for one product several orders compete for (so some are cancelled as out of stock);
    // the espresso machine is above the approval threshold.
    private const int ScarceProduct = 6;
    private const int ApprovalProduct = 5;
    private static readonly Dictionary<int, int> StockAtStart = new() { [1] = 2000, [2] = 2000, [3] = 2000, [7] = 2000, [ScarceProduct] = 25, [ApprovalProduct] = 100 };
    private static readonly int[] Products = [1, 2, 3, ScarceProduct, 7];

    [Fact]
    public async Task Orders_placed_while_ordering_the_payments_sidecar_and_RabbitMQ_are_killed_all_end_final_with_stock_conserved_and_each_charged_exactly_once()
    {
        var log = new StringBuilder();
        var records = PlatformRecords.Of(platform);
        foreach (var (product, stock) in StockAtStart)
        {
            await records.SetStockAsync(product, stock);
        }

        var customers = await Task.WhenAll(Enumerable.Range(0, CustomerCount).Select(i => platform.Client().SignUpAsync($"Fault customer {i}")));
        using var admin = await platform.Client().LoginAsync(platform.AdminEmail, platform.AdminPassword);
        try
        {
            var plan = Plan(customers);
            var clock = Stopwatch.StartNew();
            IReadOnlyList<PlacedOrder> placed;
            var outages = new List<Outage>();
            using (var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
            {
                var load = OrderLoad.PlaceAsync(plan, PlacementInterval, PlacementRetryFor, order => ApproveWhenAskedAsync(admin, order, stopLoad.Token), stopLoad.Token);
                try
                {
                    outages.Add(await KillAndRestartAsync(clock, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), () => Outage.OfAppAsync("Ordering")));
                    outages.Add(await KillAndRestartAsync(clock, TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(3), () => Outage.OfSidecarAsync("payments")));
                    outages.Add(await KillAndRestartAsync(clock, TimeSpan.FromSeconds(22), TimeSpan.FromSeconds(5), Outage.OfRabbitMqAsync));
                    placed = await load;
                }
                finally
                {
                    // A fault that threw must not leave the load running into the next test.
                    await stopLoad.CancelAsync();
                    await Task.WhenAll(outages.Select(o => o.DisposeAsync().AsTask()));
                }
            }

            log.AppendLine(string.Create(CultureInfo.InvariantCulture, $"placed {placed.Count} orders in {clock.Elapsed.TotalSeconds:0.0} s; ")
                + $"{placed.Count(p => p.Attempts > 1)} needed more than one request (at most {placed.Max(p => p.Attempts)})");
            outages.ForEach(o => log.AppendLine(o.ToString()));

            var ids = placed.Select(p => p.OrderId).ToList();
            Assert.Equal(OrderCount, ids.Distinct().Count());
            Assert.Equal(OrderCount, await records.OrderCountAsync([.. customers.Select(c => c.UserId!)]));

            var orders = await SettleAsync(records, placed, clock, log);
            await AssertStockConservedAsync(records, orders);
            await AssertReservationsMatchAsync(records, orders);
            await AssertChargedExactlyOnceAsync(records, orders);
            Assert.All(placed.Where(p => p.Plan.PaymentMethod == Declined), p => Assert.Equal("Cancelled", orders[p.OrderId].Status));
            await AssertAnalyticsCountedEachConfirmedOrderOnceAsync(customers, orders, clock, log);

            // The platform the next test gets: a new order goes through every part that was killed.
            var probe = await customers[0].PlaceOrderAsync(productId: 1, quantity: 1);
            Assert.Equal("Confirmed", (await customers[0].WaitForStatusAsync(probe, TimeSpan.FromSeconds(60), "Confirmed", "Cancelled")).GetProperty("status").GetString());
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine(log.ToString());
            foreach (var customer in customers)
            {
                customer.Dispose();
            }
        }
    }

    /// <summary>
    /// 300 one-line orders, round-robin over the customers: mostly paid by card, every ninth declined, a few above the
    /// approval threshold (an admin approves them while the faults happen), a fifth competing for the scarce product.
    /// </summary>
    private static List<PlannedOrder> Plan(PlatformClient[] customers) =>
    [
        .. Enumerable.Range(0, OrderCount).Select(i =>
        {
            var paymentMethod = i % 9 == 4 ? Declined : Visa;
            var customer = customers[i % customers.Length];
            if (i % 50 == 7)
            {
                return new PlannedOrder(i, customer, ApprovalProduct, 1, paymentMethod);
            }

            var product = Products[i % Products.Length];
            return new PlannedOrder(i, customer, product, product == ScarceProduct ? 1 : 1 + (i % 3), paymentMethod);
        }),
    ];

    /// <summary>At <paramref name="at"/> into the load, kills the part; <paramref name="downFor"/> later, starts it again and waits until it answers.</summary>
    private static async Task<Outage> KillAndRestartAsync(Stopwatch clock, TimeSpan at, TimeSpan downFor, Func<Task<Outage>> kill)
    {
        await DelayUntilAsync(clock, at);
        var outage = await kill();
        try
        {
            await Task.Delay(downFor, TestContext.Current.CancellationToken);
            await outage.EndAsync();
            return outage;
        }
        catch
        {
            await outage.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Approves an order above the threshold as soon as it waits for approval. Requests that fail while ordering is
    /// down are repeated; an order that timed out waiting (Cancelled) is left as it is — also a final state.
    /// </summary>
    private static async Task ApproveWhenAskedAsync(PlatformClient admin, PlacedOrder order, CancellationToken cancellationToken)
    {
        if (order.Plan.ProductId != ApprovalProduct)
        {
            return;
        }

        var deadline = DateTime.UtcNow + PlatformFixture.ApprovalTimeout + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var read = await admin.Http.GetAsync($"/api/orders/{order.OrderId}", cancellationToken);
                var status = read.IsSuccessStatusCode
                    ? (await read.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("status").GetString()
                    : null;
                if (status is "Confirmed" or "Cancelled")
                {
                    return;
                }

                if (status == "AwaitingApproval")
                {
                    using var approve = await admin.Http.PostAsync($"/api/orders/{order.OrderId}/approve", null, cancellationToken);
                    if (approve.StatusCode == HttpStatusCode.Accepted)
                    {
                        return;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // Ordering restarting; ask again.
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until the database has every order final, then until the API shows each one's saga completed (the
    /// status is written by the saga's last activity, a moment before the workflow ends).
    /// </summary>
    private static async Task<Dictionary<string, OrderRecord>> SettleAsync(PlatformRecords records, IReadOnlyList<PlacedOrder> placed, Stopwatch clock, StringBuilder log)
    {
        var ids = placed.Select(p => p.OrderId).ToList();
        var deadline = DateTime.UtcNow + SettleTimeout;
        Dictionary<string, OrderRecord> orders;
        bool settled;
        while (true)
        {
            orders = await records.OrdersAsync(ids);
            settled = orders.Count == ids.Count && orders.Values.All(o => o.Status is "Confirmed" or "Cancelled");
            if (settled || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }

        Assert.True(settled, $"after {SettleTimeout}, {orders.Values.Count(o => o.Status is not ("Confirmed" or "Cancelled"))} orders are not final: "
            + string.Join(", ", orders.Values.Where(o => o.Status is not ("Confirmed" or "Cancelled")).Take(10).Select(o => $"{o.Id} {o.Status}")));

        using var throttle = new SemaphoreSlim(8);
        await Task.WhenAll(placed.Select(async p =>
        {
            await throttle.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                var view = await p.Plan.Customer.WaitForStatusAsync(p.OrderId, TimeSpan.FromSeconds(30), "Confirmed", "Cancelled");
                Assert.Equal(orders[p.OrderId].Status, view.GetProperty("status").GetString());
            }
            finally
            {
                throttle.Release();
            }
        }));

        var cancelled = orders.Values.Where(o => o.Status == "Cancelled").ToList();
        log.AppendLine(string.Create(CultureInfo.InvariantCulture, $"every order final {clock.Elapsed.TotalSeconds:0.0} s after the load began: ")
            + $"{orders.Values.Count(o => o.Status == "Confirmed")} confirmed, {cancelled.Count} cancelled ("
            + string.Join(", ", cancelled.GroupBy(o => Reason(o.CancellationReason)).Select(g => $"{g.Count()} {g.Key}")) + ")");
        return orders;
    }

    private static async Task AssertStockConservedAsync(PlatformRecords records, Dictionary<string, OrderRecord> orders)
    {
        var after = await records.StockAsync(StockAtStart.Keys);
        foreach (var (product, before) in StockAtStart)
        {
            var sold = orders.Values.Where(o => o.Status == "Confirmed").Sum(o => o.Quantities.GetValueOrDefault(product));
            Assert.True(before - after[product] == sold, $"product {product}: stock went from {before} to {after[product]}, but confirmed orders hold {sold}");
        }
    }

    /// <summary>A confirmed order's stock is committed once; a cancelled one's is released or was never taken; nothing stays held.</summary>
    private static async Task AssertReservationsMatchAsync(PlatformRecords records, Dictionary<string, OrderRecord> orders)
    {
        var reservations = await records.ReservationsAsync(orders.Keys);
        foreach (var order in orders.Values)
        {
            var held = reservations.GetValueOrDefault(order.Id) ?? [];
            if (order.Status == "Confirmed")
            {
                var reservation = Assert.Single(held);
                Assert.Equal("Committed", reservation.Status);
                Assert.Equal(order.Quantities, reservation.Quantities);
            }
            else
            {
                Assert.All(held, r => Assert.True(r.Status == "Released", $"cancelled order {order.Id} has reservation {r.Id} {r.Status}"));
            }
        }
    }

    /// <summary>
    /// The ledger has one Charged record for each confirmed order — the payment the order names, and the only one
    /// indexed for its key (a second charge would have indexed a second payment id) — and for a cancelled order none,
    /// a decline or a refund, never a charge nor a claim left pending.
    /// </summary>
    private static async Task AssertChargedExactlyOnceAsync(PlatformRecords records, Dictionary<string, OrderRecord> orders)
    {
        var ledger = await records.LedgerAsync(orders.Keys);
        foreach (var order in orders.Values)
        {
            var entry = ledger[order.Id];
            if (order.Status == "Confirmed")
            {
                Assert.True(entry.Status == "Charged" && entry.PaymentId == order.PaymentId && entry.IndexedPaymentIds.SequenceEqual([order.PaymentId!]),
                    $"confirmed order {order.Id} (payment {order.PaymentId}) has ledger entry {entry}");
            }
            else
            {
                Assert.True(entry.Status is (null or "Declined" or "Refunded") && entry.IndexedPaymentIds.Count <= 1 && order.PaymentId is null,
                    $"cancelled order {order.Id} ({order.CancellationReason}) has ledger entry {entry}");
            }
        }
    }

    /// <summary>order.confirmed went through the outbox and RabbitMQ, which was killed: each still counts once.</summary>
    private static async Task AssertAnalyticsCountedEachConfirmedOrderOnceAsync(PlatformClient[] customers, Dictionary<string, OrderRecord> orders, Stopwatch clock, StringBuilder log)
    {
        var expected = customers.ToDictionary(
            c => c.UserId!,
            c => orders.Values.Where(o => o.CustomerId == c.UserId && o.Status == "Confirmed").Aggregate((Count: 0, Spent: 0m), (sum, o) => (sum.Count + 1, sum.Spent + o.Total)));
        var counted = expected.Keys.ToDictionary(id => id, _ => (Count: -1, Spent: 0m));
        var failedReads = new List<string>();
        var deadline = DateTime.UtcNow + AnalyticsTimeout;
        while (true)
        {
            foreach (var customer in customers)
            {
                // A busy analytics (it is catching up on every event RabbitMQ held) may fail a read; the next poll asks again.
                using var response = await customer.Http.GetAsync($"/api/analytics/customers/{customer.UserId}", TestContext.Current.CancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    failedReads.Add(await PlatformClient.DescribeAsync(response));
                    continue;
                }

                var summary = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
                counted[customer.UserId!] = (summary.GetProperty("ordersCount").GetInt32(), summary.GetProperty("totalSpent").GetDecimal());
            }

            if (expected.All(e => counted[e.Key] == e.Value) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }

        Assert.True(expected.All(e => counted[e.Key] == e.Value), "confirmed orders (count, total) per customer vs analytics: "
            + string.Join("; ", expected.Select(e => $"{e.Key}: {e.Value} vs {counted[e.Key]}"))
            + $"; {failedReads.Count} reads failed" + (failedReads.Count > 0 ? $", the last: {failedReads[^1]}" : ""));
        log.AppendLine(CultureInfo.InvariantCulture, $"analytics caught up {clock.Elapsed.TotalSeconds:0.0} s after the load began ({failedReads.Count} reads of it failed meanwhile)");
    }

    private static async Task DelayUntilAsync(Stopwatch clock, TimeSpan at)
    {
        if (at > clock.Elapsed)
        {
            await Task.Delay(at - clock.Elapsed, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The kind of cancellation, without the details that differ per order.</summary>
    private static string Reason(string? reason) => reason?.Split(": ")[0] ?? "(no reason)";
}
