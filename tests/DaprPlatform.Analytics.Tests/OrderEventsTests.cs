using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Analytics.Apis;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Testing;

namespace DaprPlatform.Analytics.Tests;

/// <summary>
/// Order events delivered as daprd delivers them (a CloudEvent posted to the subscribed route), each of them twice,
/// and the read models they move.
/// </summary>
public sealed class OrderEventsTests(AnalyticsApp analytics) : IClassFixture<AnalyticsApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_confirmed_order_delivered_twice_counts_once_for_the_customer_and_its_products()
    {
        var customer = $"customer-{Guid.NewGuid():N}";
        var product = $"p-{Guid.NewGuid():N}";
        var confirmed = new OrderConfirmed(Guid.NewGuid(), "order-1", customer, [new OrderEventLine(product, 3, 2.50m)], 7.50m, DateTimeOffset.UtcNow);

        await DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed);
        await DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed);
        await DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed with { EventId = Guid.NewGuid(), OrderId = "order-2" });

        var stats = await analytics.Client.GetFromJsonAsync<CustomerSummary>($"/customers/{customer}", Ct);
        var revenue = await analytics.Client.GetFromJsonAsync<List<ProductSummary>>("/products/revenue", Ct);
        Assert.Equal(new CustomerSummary(customer, 2, 15.00m), stats);
        Assert.Equal(new ProductSummary(product, 6, 15.00m), revenue!.Single(p => p.ProductId == product));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_event_apply_it_once()
    {
        var customer = $"customer-{Guid.NewGuid():N}";
        var confirmed = new OrderConfirmed(Guid.NewGuid(), "order-3", customer, [new OrderEventLine("p-x", 1, 10m)], 10m, DateTimeOffset.UtcNow);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed)));

        Assert.Equal(1, (await analytics.Client.GetFromJsonAsync<CustomerSummary>($"/customers/{customer}", Ct))!.OrdersCount);
    }

    [Fact]
    public async Task Cancellations_count_as_outcomes_and_never_as_orders_of_the_customer()
    {
        var customer = $"customer-{Guid.NewGuid():N}";
        var before = await CancelledAsync();
        var cancelled = new OrderCancelled(Guid.NewGuid(), "order-4", customer, "payment declined: card_declined", DateTimeOffset.UtcNow);

        await DeliverAsync("/events/order-cancelled", Topics.OrderCancelled, cancelled);
        await DeliverAsync("/events/order-cancelled", Topics.OrderCancelled, cancelled);

        Assert.Equal(before + 1, await CancelledAsync());
        Assert.Equal(new CustomerSummary(customer, 0, 0m), await analytics.Client.GetFromJsonAsync<CustomerSummary>($"/customers/{customer}", Ct));
    }

    [Fact]
    public async Task Each_declared_subscription_of_analytics_names_a_route_that_applies_its_topics_events()
    {
        var subscriptions = DeclaredSubscriptions.Of("analytics");
        var customer = $"customer-{Guid.NewGuid():N}";
        var cancelledBefore = await CancelledAsync();

        await DeliverAsync(RouteOf(Topics.OrderConfirmed), Topics.OrderConfirmed,
            new OrderConfirmed(Guid.NewGuid(), "order-5", customer, [new OrderEventLine("p-y", 2, 3m)], 6m, DateTimeOffset.UtcNow));
        await DeliverAsync(RouteOf(Topics.OrderCancelled), Topics.OrderCancelled,
            new OrderCancelled(Guid.NewGuid(), "order-6", customer, "out of stock: p-y", DateTimeOffset.UtcNow));

        Assert.Equal([Topics.OrderCancelled, Topics.OrderConfirmed], subscriptions.Select(s => s.Topic).Order());
        Assert.All(subscriptions, s => Assert.Equal(
            (Topics.PubSub, $"analytics-{s.Topic.Replace('.', '-')}", "analytics"),
            (s.PubsubName, s.Name, string.Join(',', s.Scopes))));
        Assert.Equal(new CustomerSummary(customer, 1, 6m), await analytics.Client.GetFromJsonAsync<CustomerSummary>($"/customers/{customer}", Ct));
        Assert.Equal(cancelledBefore + 1, await CancelledAsync());

        string RouteOf(string topic) => subscriptions.Single(s => s.Topic == topic).Route;
    }

    [Fact]
    public async Task The_app_lists_no_subscriptions_of_its_own_beside_the_declared_ones()
    {
        // A programmatic subscription to the same topic would be a second delivery of every event.
        using var response = await analytics.Client.GetAsync("/dapr/subscribe", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_malformed_event_is_refused_and_changes_nothing()
    {
        var before = await CancelledAsync();

        using var response = await PostCloudEventAsync("/events/order-cancelled", """{"specversion":"1.0","id":"x","source":"ordering","type":"com.dapr.event.sent","datacontenttype":"application/json","data":{"eventId":"not-a-guid"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await CancelledAsync());
    }

    private async Task<int> CancelledAsync() =>
        (await analytics.Client.GetFromJsonAsync<List<OutcomeSummary>>("/orders/outcomes", Ct))!.SingleOrDefault(o => o.Outcome == "cancelled")?.Count ?? 0;

    private Task DeliverAsync<T>(string route, string topic, T data) => analytics.Client.DeliverAsync(route, topic, data);

    private Task<HttpResponseMessage> PostCloudEventAsync(string route, string cloudEvent) => analytics.Client.PostCloudEventAsync(route, cloudEvent);
}
