using DaprPlatform.WebConsole.Tests.Support;

namespace DaprPlatform.WebConsole.Tests;

/// <summary>axe on every main page, as a visitor, a customer and an admin sees it; a screenshot of each.</summary>
public sealed class AccessibilityTests(ConsolePlatform platform, BrowserFixture browser)
{
    [Fact]
    public async Task The_public_and_customer_pages_have_no_serious_or_critical_axe_violations()
    {
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await CheckAsync(page, "/signin", "Sign in", "signin");
        await CheckAsync(page, "/signup", "Create an account", "signup");
        await page.SignUpAsync("Axe Customer");
        await CheckAsync(page, "/", "Shop", "shop");

        await ShopTests.PlaceOrderAsync(page, "Milk frother", "pm_card_visa");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Confirmed" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.AssertNoSeriousViolationsAsync("order");
        await page.SaveScreenshotAsync("order");
        await CheckAsync(page, "/orders", "My orders", "orders");

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add Hand grinder to cart" }).ClickAsync();
        await CheckAsync(page, "/cart", "Your cart", "cart");
    }

    [Fact]
    public async Task The_operations_pages_have_no_serious_or_critical_axe_violations()
    {
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await page.SignInAsAdminAsync(platform);
        await CheckAsync(page, "/ops/orders", "All orders", "ops-orders");
        await CheckAsync(page, "/ops/approvals", "Orders waiting for approval", "ops-approvals-list");
        await CheckAsync(page, "/ops/dead-letters", "Dead letters", "ops-dead-letters-list");
        await CheckAsync(page, "/ops/analytics", "Analytics", "ops-analytics");
        await CheckAsync(page, "/ops/health", "Platform health", "ops-health");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "webconsole" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task At_phone_width_the_shop_and_an_order_have_no_serious_violations_and_nothing_scrolls_sideways()
    {
        await using var session = await browser.NewPhoneSessionAsync(platform.ConsoleUrl);
        var page = session.Page;
        await page.SignUpAsync("Phone Shopper");
        await CheckAsync(page, "/", "Shop", "phone-shop");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the shop scrolls sideways at 375 px");

        await ShopTests.PlaceOrderAsync(page, "Pour-over kit", "pm_card_visa");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Confirmed" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await page.AssertNoSeriousViolationsAsync("order at phone width");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the order page scrolls sideways at 375 px");
        await page.SaveScreenshotAsync("phone-order");
    }

    private static async Task CheckAsync(IPage page, string path, string heading, string screenshot)
    {
        await page.GotoAsync(path);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        // Loading messages gone: axe sees the page as the user does once its data is in.
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^(Loading|Checking)") })).ToHaveCountAsync(0);
        await page.AssertNoSeriousViolationsAsync(path);
        await page.SaveScreenshotAsync(screenshot);
    }
}
