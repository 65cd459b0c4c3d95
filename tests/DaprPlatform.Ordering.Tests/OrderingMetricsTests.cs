using DaprPlatform.Ordering.Telemetry;
using DaprPlatform.Testing;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// The business metrics as Prometheus scrapes them from /metrics, after real sagas: what was placed, how it ended and
/// why, what was undone and how long it took; an idempotent replay counts nothing.
/// </summary>
[Collection(OrderingCollection.Name)]
public sealed class OrderingMetricsTests(OrderingPlatform platform)
{
    private const string Placed = "daprplatform_orders_placed_total";
    private const string Completed = "daprplatform_orders_completed_total";
    private const string Compensations = "daprplatform_saga_compensations_total";
    private const string Duration = "daprplatform_saga_duration_seconds";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_confirmed_order_is_counted_placed_once_and_completed_with_its_saga_duration()
    {
        var before = await MetricsAsync();
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var key = Guid.NewGuid().ToString();

        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request(), key);
        await customer.PlaceOrderAsync(OrderRequests.Request(), key);
        await platform.WaitForSagaAsync(orderId);

        var after = await MetricsAsync();
        Assert.Equal(1, PrometheusText.Sum(after, Placed) - PrometheusText.Sum(before, Placed));
        Assert.Equal(1, Delta(before, after, Completed, ("outcome", "confirmed"), ("reason", "none")));
        Assert.Equal(1, Delta(before, after, Duration + "_count", ("outcome", "confirmed")));
        Assert.True(PrometheusText.Has(after, Duration + "_bucket") && PrometheusText.Has(after, Duration + "_sum"), after);
    }

    [Fact]
    public async Task A_declined_payment_is_counted_cancelled_as_declined_with_the_stock_release_it_compensated()
    {
        var before = await MetricsAsync();
        using var customer = platform.Customer(Guid.NewGuid().ToString());

        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request("pm_card_chargeDeclined", (2, 1)));
        await platform.WaitForSagaAsync(orderId);

        var after = await MetricsAsync();
        Assert.Equal(1, Delta(before, after, Completed, ("outcome", "cancelled"), ("reason", "declined")));
        Assert.Equal(1, Delta(before, after, Compensations, ("step", OrderingMetrics.ReleaseStockStep)));
        Assert.Equal(0, Delta(before, after, Compensations, ("step", OrderingMetrics.RefundStep)));
    }

    [Theory]
    [InlineData("out of stock: product 3 has 0 left", "out_of_stock")]
    [InlineData("payment declined: card_declined", "declined")]
    [InlineData("approval timed out after 01:00:00", "approval_timeout")]
    [InlineData("rejected by Ada: too large", "rejected")]
    [InlineData("rejected by an admin", "rejected")]
    [InlineData("rejected by Bo: " + CancellationReasons.WithdrawnByCustomer, "withdrawn")]
    [InlineData("charge-payment failed: payments answered 503", "failed")]
    public void A_cancellation_reason_becomes_a_tag_of_a_few_words(string reason, string tag) =>
        Assert.Equal(tag, CancellationReasons.Categorize(reason));

    private static double Delta(string before, string after, string name, params (string, string)[] labels) =>
        PrometheusText.Sum(after, name, labels) - PrometheusText.Sum(before, name, labels);

    private async Task<string> MetricsAsync()
    {
        // The exporter answers a scrape from a copy at most this old.
        await Task.Delay(TimeSpan.FromMilliseconds(350), Ct);
        using var client = platform.As(null);
        return await client.GetStringAsync("/metrics", Ct);
    }
}
