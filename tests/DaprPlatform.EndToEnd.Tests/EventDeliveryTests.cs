using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Testing;
using Npgsql;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// Integration events between the services, on real RabbitMQ: each consumer applies an event once however often it
/// arrives, and a message a consumer cannot take ends in the dead letters, from where an admin re-drives it.
/// </summary>
public sealed class EventDeliveryTests(PlatformFixture platform)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_confirmed_event_delivered_again_counts_once_in_analytics_and_notifies_once()
    {
        using var customer = await platform.Client().SignUpAsync();
        using var admin = await platform.Client().LoginAsync(platform.AdminEmail, platform.AdminPassword);
        var orderId = await customer.PlaceOrderAsync(productId: 1, quantity: 1);
        await customer.WaitForStatusAsync(orderId, DeliveryTimeout, "Confirmed");
        Assert.True(await Eventually.ReturnsAsync(async () => (await StatsAsync(admin, customer.UserId!)).OrdersCount == 1, DeliveryTimeout));
        var confirmed = await OutboxPayloadAsync(orderId, "order.confirmed");

        // The same event (same event id) published twice more, then a new one as a marker that the queue has moved past them.
        await platform.PublishAsync("order.confirmed", confirmed);
        await platform.PublishAsync("order.confirmed", confirmed);
        var marker = Guid.NewGuid();
        await platform.PublishAsync("order.confirmed", $$"""
            {"eventId":"{{marker}}","orderId":"marker-{{marker:N}}","customerId":"{{customer.UserId}}","lines":[{"productId":"3","quantity":1,"unitPrice":9.00}],"total":9.00,"occurredAt":"{{DateTimeOffset.UtcNow:O}}"}
            """);

        Assert.True(await Eventually.ReturnsAsync(async () => (await StatsAsync(admin, customer.UserId!)).OrdersCount >= 2, DeliveryTimeout));
        Assert.True(await Eventually.ReturnsAsync(async () => await NotificationCountAsync(marker) == 1, DeliveryTimeout));
        var stats = await StatsAsync(admin, customer.UserId!);
        Assert.Equal((2, 24.90m + 9.00m), (stats.OrdersCount, stats.TotalSpent));
        Assert.Equal(1, await NotificationCountAsync(EventId(confirmed)));
    }

    [Fact]
    public async Task An_event_the_consumer_cannot_take_is_dead_lettered_and_an_admin_redrive_delivers_it_once_it_can()
    {
        using var admin = await platform.Client().LoginAsync(platform.AdminEmail, platform.AdminPassword);
        var userId = Guid.NewGuid().ToString();
        var eventId = Guid.NewGuid();
        // An order event for a user notifications has not heard of yet: it refuses it until the registration arrives.
        await platform.PublishAsync("order.confirmed", $$"""
            {"eventId":"{{eventId}}","orderId":"poison-{{eventId:N}}","customerId":"{{userId}}","lines":[{"productId":"2","quantity":1,"unitPrice":11.50}],"total":11.50,"occurredAt":"{{DateTimeOffset.UtcNow:O}}"}
            """);

        JsonElement? deadLetter = null;
        Assert.True(await Eventually.ReturnsAsync(async () => (deadLetter = await FindDeadLetterAsync(admin, eventId.ToString())) is not null, DeliveryTimeout),
            "the refused event never reached the dead letters");
        Assert.Equal("order.confirmed", deadLetter!.Value.GetProperty("originalTopic").GetString());
        Assert.Equal(0, await NotificationCountAsync(eventId));

        await platform.PublishAsync("user.registered", $$"""
            {"eventId":"{{Guid.NewGuid()}}","userId":"{{userId}}","email":"{{userId}}@example.test","name":"Late Registration","occurredAt":"{{DateTimeOffset.UtcNow:O}}"}
            """);
        Assert.True(await Eventually.ReturnsAsync(async () => await UserKnownAsync(userId), DeliveryTimeout));
        using var redrive = await admin.Http.PostAsync($"/api/notifications/dead-letters/{deadLetter.Value.GetProperty("id").GetString()}/redrive", null, Ct);

        Assert.True(redrive.IsSuccessStatusCode, await PlatformClient.DescribeAsync(redrive));
        Assert.True(await Eventually.ReturnsAsync(async () => await NotificationCountAsync(eventId) == 1, DeliveryTimeout));
        Assert.Equal("Redriven", (await FindDeadLetterAsync(admin, eventId.ToString()))!.Value.GetProperty("status").GetString());
        // Analytics took the event the first time; the redrive is a second delivery it must not count.
        Assert.Equal(1, (await StatsAsync(admin, userId)).OrdersCount);
    }

    private static async Task<(int OrdersCount, decimal TotalSpent)> StatsAsync(PlatformClient admin, string customerId)
    {
        var stats = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/analytics/customers/{customerId}", Ct);
        return (stats.GetProperty("ordersCount").GetInt32(), stats.GetProperty("totalSpent").GetDecimal());
    }

    private static async Task<JsonElement?> FindDeadLetterAsync(PlatformClient admin, string messageKey)
    {
        var page = await admin.Http.GetFromJsonAsync<JsonElement>("/api/notifications/dead-letters?pageSize=100", Ct);
        foreach (var item in page.GetProperty("items").EnumerateArray())
        {
            if (item.GetProperty("messageKey").GetString() == messageKey)
            {
                return item;
            }
        }

        return null;
    }

    private async Task<string> OutboxPayloadAsync(string orderId, string topic)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionStrings["orderingdb"]);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT payload::text FROM outbox_messages WHERE topic = @topic AND payload->>'orderId' = @order", connection);
        command.Parameters.AddWithValue("topic", topic);
        command.Parameters.AddWithValue("order", orderId);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task<long> NotificationCountAsync(Guid sourceEventId) =>
        await ScalarAsync<long>("SELECT count(*) FROM notifications WHERE \"SourceEventId\" = @id", sourceEventId);

    private async Task<bool> UserKnownAsync(string userId) =>
        await ScalarAsync<long>("SELECT count(*) FROM users WHERE \"Id\" = @id", userId) == 1;

    private async Task<T> ScalarAsync<T>(string sql, object id)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionStrings["notificationsdb"]);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }

    private static Guid EventId(string payload) => JsonDocument.Parse(payload).RootElement.GetProperty("eventId").GetGuid();
}
