using System.Globalization;
using DaprPlatform.Testing;
using DaprPlatform.WebConsole.Components.Pages;
using DaprPlatform.WebConsole.Tests.Support;
using Npgsql;

namespace DaprPlatform.WebConsole.Tests;

/// <summary>An admin works the operations pages: approvals and dead letters, against the running platform.</summary>
public sealed class OperationsTests(ConsolePlatform platform, BrowserFixture browser)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_admin_approves_an_order_above_the_threshold_and_its_saga_goes_on_to_Confirmed()
    {
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await page.SignInAsAdminAsync(platform);
        await page.GotoAsync("/ops/approvals");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Orders waiting for approval" })).ToBeVisibleAsync();
        using var customer = await platform.CreateCustomerAsync("Big Spender");

        // 449.00 is above the test platform's threshold (400): the saga waits for an admin, for a few seconds only.
        var orderId = await customer.PlaceOrderAsync(productId: 5, quantity: 1);

        var approve = page.GetByRole(AriaRole.Button, new() { Name = $"Approve order {orderId}" });
        await Expect(approve).ToBeVisibleAsync(new() { Timeout = (float)RunningPlatform.ApprovalTimeout.TotalMilliseconds });
        await page.SaveScreenshotAsync("ops-approvals");
        await approve.ClickAsync();
        await Expect(approve).ToHaveCountAsync(0);

        await page.GotoAsync($"/orders/{orderId}");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Confirmed" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Wait for approval" })).ToBeVisibleAsync();
        await Expect(page.GetByText("approved by", new() { Exact = false })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_admin_finds_any_customers_cancelled_order_among_all_orders_and_follows_its_compensation()
    {
        using var customer = await platform.CreateCustomerAsync("Declined Elsewhere");
        var orderId = await customer.PlaceOrderAsync(productId: 3, quantity: 1, paymentMethod: "pm_card_chargeDeclined");
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await page.SignInAsAdminAsync(platform);
        await page.GotoAsync("/ops/orders");
        await page.GetByLabel("Status").SelectOptionAsync("Cancelled");

        var link = page.GetByRole(AriaRole.Link, new() { Name = $"Order {Orders.ShortId(orderId)}" });
        await Expect(link).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.SaveScreenshotAsync("ops-orders-cancelled");
        await link.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Compensations" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Release inventory" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_poison_event_in_the_dead_letters_is_redriven_from_the_console_once_its_user_is_known()
    {
        var userId = Guid.NewGuid().ToString();
        var eventId = Guid.NewGuid();
        // An order event for a user notifications has not heard of: it refuses it until the registration arrives.
        await platform.PublishAsync("order.confirmed", $$"""
            {"eventId":"{{eventId}}","orderId":"poison-{{eventId:N}}","customerId":"{{userId}}","lines":[{"productId":"2","quantity":1,"unitPrice":11.50}],"total":11.50,"occurredAt":"{{DateTimeOffset.UtcNow:O}}"}
            """);
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await page.SignInAsAdminAsync(platform);
        await page.GotoAsync("/ops/dead-letters");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = eventId.ToString() });
        Assert.True(await Eventually.ReturnsAsync(async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            await page.WaitForTimeoutAsync(500);
            return await row.CountAsync() == 1;
        }, DeliveryTimeout), "the refused event never showed on the dead-letters page");
        await Expect(row.GetByText("Pending")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("ops-dead-letters");

        await platform.PublishAsync("user.registered", $$"""
            {"eventId":"{{Guid.NewGuid()}}","userId":"{{userId}}","email":"{{userId}}@example.test","name":"Late Registration","occurredAt":"{{DateTimeOffset.UtcNow:O}}"}
            """);
        Assert.True(await Eventually.ReturnsAsync(() => UserKnownAsync(userId), DeliveryTimeout), "notifications never took the registration");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Re-drive {eventId}" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Re-drove {eventId}" })).ToBeVisibleAsync();
        await Expect(row.GetByText("Redriven", new() { Exact = true })).ToBeVisibleAsync();
        Assert.True(await Eventually.ReturnsAsync(async () => await NotificationCountAsync(eventId) == 1, DeliveryTimeout),
            "the re-driven event was never delivered");
    }

    private async Task<bool> UserKnownAsync(string userId) =>
        await ScalarAsync("SELECT count(*) FROM users WHERE \"Id\" = @id", userId) == 1;

    private Task<long> NotificationCountAsync(Guid sourceEventId) =>
        ScalarAsync("SELECT count(*) FROM notifications WHERE \"SourceEventId\" = @id", sourceEventId);

    private async Task<long> ScalarAsync(string sql, object id)
    {
        await using var connection = new NpgsqlConnection(platform.ConnectionStrings["notificationsdb"]);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), CultureInfo.InvariantCulture);
    }
}
