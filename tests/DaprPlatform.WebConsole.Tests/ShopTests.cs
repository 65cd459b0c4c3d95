using System.Text.RegularExpressions;
using DaprPlatform.WebConsole.Tests.Support;

namespace DaprPlatform.WebConsole.Tests;

/// <summary>A customer shops in the browser and watches each order's saga reach its end, live.</summary>
public sealed partial class ShopTests(ConsolePlatform platform, BrowserFixture browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions SagaTimeout = new() { Timeout = 60_000 };

    [Fact]
    public async Task A_new_customer_signs_up_orders_from_the_cart_and_watches_the_timeline_reach_Confirmed()
    {
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await page.SignUpAsync("Timeline Customer");

        await PlaceOrderAsync(page, "Ceramic mug", "pm_card_visa");

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Confirmed" })).ToBeVisibleAsync(SagaTimeout);
        var timeline = page.GetByRole(AriaRole.List, new() { Name = "Saga steps" });
        foreach (var step in new[] { "Reserve inventory", "Charge payment", "Confirm order" })
        {
            await Expect(timeline.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = step }) })
                .GetByText("Succeeded")).ToBeVisibleAsync();
        }

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Compensations" })).ToHaveCountAsync(0);
        await page.SaveScreenshotAsync("order-confirmed");

        // The order list shows it too, with its final status.
        await page.GetByRole(AriaRole.Link, new() { Name = "My orders", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Confirmed" })).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_declined_card_cancels_the_order_and_the_timeline_shows_the_inventory_released_in_compensation()
    {
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await page.SignUpAsync("Declined Customer");

        await PlaceOrderAsync(page, "Coffee scale", "pm_card_chargeDeclined");

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Cancelled" })).ToBeVisibleAsync(SagaTimeout);
        var charge = page.GetByRole(AriaRole.List, new() { Name = "Saga steps" }).GetByRole(AriaRole.Listitem)
            .Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Charge payment" }) });
        await Expect(charge.GetByText("Failed", new() { Exact = true })).ToBeVisibleAsync();
        var compensations = page.GetByRole(AriaRole.List, new() { Name = "Compensations" });
        await Expect(compensations.GetByRole(AriaRole.Listitem).Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Release inventory" }) })
            .GetByText("Compensated", new() { Exact = true })).ToBeVisibleAsync(SagaTimeout);
        await Expect(page.GetByText("Cancellation reason")).ToBeVisibleAsync();
        await page.SaveScreenshotAsync("order-compensated");
    }

    [Fact]
    public async Task A_customer_sees_a_problem_message_not_another_customers_order_and_is_denied_every_operations_page()
    {
        using var other = await platform.CreateCustomerAsync("Other Customer");
        var othersOrder = await other.PlaceOrderAsync(productId: 3, quantity: 1);
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await page.SignUpAsync("Curious Customer");

        await page.GotoAsync($"/orders/{othersOrder}");

        await Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        // The problem may name the id that was asked for; nothing of the order itself shows (its line was a Ceramic mug).
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Summary" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Saga timeline" })).ToHaveCountAsync(0);
        await Expect(page.GetByText("Ceramic mug")).ToHaveCountAsync(0);
        Assert.DoesNotMatch(StackTrace(), await page.ContentAsync());

        foreach (var path in new[] { "/ops/orders", "/ops/approvals", "/ops/dead-letters", "/ops/analytics", "/ops/health" })
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("403");
            await Expect(page.GetByRole(AriaRole.Table)).ToHaveCountAsync(0);
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Dead letters" })).ToHaveCountAsync(0);
        }

        await page.SaveScreenshotAsync("access-denied");
    }

    /// <summary>From the shop: adds one of the product to the cart, picks the payment method, places the order.</summary>
    internal static async Task PlaceOrderAsync(IPage page, string product, string paymentMethod)
    {
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Add {product} to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"Added {product}" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Cart (1)" }).ClickAsync();
        await page.GetByLabel("Payment method").SelectOptionAsync(paymentMethod);
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await page.WaitForURLAsync(OrderPage());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Saga timeline" })).ToBeVisibleAsync();
    }

    [GeneratedRegex(@"/orders/[^/]+$")]
    internal static partial Regex OrderPage();

    [GeneratedRegex(@"\bat [\w.]+\(|Exception:")]
    private static partial Regex StackTrace();
}
