using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Analytics.Apis;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Testing;

namespace DaprPlatform.Analytics.Tests;

/// <summary>The read models the operations console charts: the top customers and the outcomes of each hour.</summary>
public sealed class AdminReadModelsTests(AnalyticsApp analytics) : IClassFixture<AnalyticsApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Top_customers_are_ranked_by_orders_then_by_what_they_spent_and_cut_at_top()
    {
        var (few, many, richer) = ($"few-{Guid.NewGuid():N}", $"many-{Guid.NewGuid():N}", $"richer-{Guid.NewGuid():N}");
        await ConfirmAsync(few, 1000m, times: 6);
        await ConfirmAsync(many, 1m, times: 8);
        await ConfirmAsync(richer, 2m, times: 8);

        var top = await analytics.Client.GetFromJsonAsync<List<CustomerSummary>>("/customers?top=2", Ct);

        Assert.Equal([new CustomerSummary(richer, 8, 16m), new CustomerSummary(many, 8, 8m)], top);
    }

    [Fact]
    public async Task Hourly_outcomes_have_a_row_for_every_whole_hour_in_the_window_zeros_included()
    {
        var hour = WholeHour(DateTimeOffset.UtcNow);
        var customer = $"customer-{Guid.NewGuid():N}";
        var twoHoursAgo = hour.AddHours(-2).AddMinutes(17);
        var confirmedTwice = Confirmed(customer, 5m, twoHoursAgo);
        await analytics.Client.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmedTwice);
        await analytics.Client.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmedTwice);
        await analytics.Client.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, Confirmed(customer, 5m, twoHoursAgo.AddMinutes(40)));
        await analytics.Client.DeliverAsync("/events/order-cancelled", Topics.OrderCancelled,
            new OrderCancelled(Guid.NewGuid(), "order-c", customer, "payment declined: card_declined", twoHoursAgo));
        // Outside the window: a day ago.
        await analytics.Client.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, Confirmed(customer, 5m, hour.AddDays(-1)));

        var rows = (await analytics.Client.GetFromJsonAsync<List<HourlyOutcomeSummary>>("/orders/outcomes/hourly?hours=3", Ct))!;

        // The current hour is every other test's too; the two before it are this test's alone.
        Assert.Equal(
            [new HourlyOutcomeSummary(hour.AddHours(-2), 2, 1), new HourlyOutcomeSummary(hour.AddHours(-1), 0, 0)],
            rows.Take(2));
        Assert.Equal([hour.AddHours(-2), hour.AddHours(-1), hour], rows.Select(r => r.Hour));
    }

    [Fact]
    public async Task Without_a_window_the_hourly_outcomes_cover_the_last_24_hours_ending_with_this_one()
    {
        var rows = await analytics.Client.GetFromJsonAsync<List<HourlyOutcomeSummary>>("/orders/outcomes/hourly", Ct);

        Assert.Equal(24, rows!.Count);
        Assert.Equal(WholeHour(DateTimeOffset.UtcNow), rows[^1].Hour);
        Assert.All(rows.Zip(rows.Skip(1)), pair => Assert.Equal(TimeSpan.FromHours(1), pair.Second.Hour - pair.First.Hour));
    }

    [Theory]
    [InlineData("/customers?top=0")]
    [InlineData("/customers?top=101")]
    [InlineData("/orders/outcomes/hourly?hours=0")]
    [InlineData("/orders/outcomes/hourly?hours=169")]
    public async Task A_window_or_top_out_of_range_is_a_400_problem(string route)
    {
        using var response = await analytics.Client.GetAsync(route, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/customers")]
    [InlineData("/orders/outcomes/hourly")]
    public async Task Only_an_admin_reads_the_top_customers_and_the_hourly_outcomes(string route)
    {
        using var customer = analytics.CreateClient(TestTokens.Customer("alice"));

        using var response = await customer.GetAsync(route, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task ConfirmAsync(string customer, decimal total, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await analytics.Client.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, Confirmed(customer, total, DateTimeOffset.UtcNow));
        }
    }

    private static OrderConfirmed Confirmed(string customer, decimal total, DateTimeOffset at) =>
        new(Guid.NewGuid(), $"order-{Guid.NewGuid():N}", customer, [new OrderEventLine("p-1", 1, total)], total, at);

    private static DateTimeOffset WholeHour(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);
}
