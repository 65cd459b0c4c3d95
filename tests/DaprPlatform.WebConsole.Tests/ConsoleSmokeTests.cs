using DaprPlatform.WebConsole.Tests.Support;

namespace DaprPlatform.WebConsole.Tests;

/// <summary>The console is up next to the platform and the browser reaches it: what every other browser test stands on.</summary>
public sealed class ConsoleSmokeTests(ConsolePlatform platform, BrowserFixture browser)
{
    [Fact]
    public async Task The_home_page_answers_with_a_heading_and_offers_sign_in_to_a_visitor()
    {
        await using var session = await browser.NewSessionAsync(platform.ConsoleUrl);

        var response = await session.Page.GotoAsync("/");

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(session.Page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).First).ToBeVisibleAsync();
        await session.Page.SaveScreenshotAsync("smoke-home");
    }

    [Fact]
    public async Task A_visitor_signs_up_through_the_form_and_the_console_shows_them_signed_in_at_phone_width()
    {
        await using var session = await browser.NewPhoneSessionAsync(platform.ConsoleUrl);

        await session.Page.SignUpAsync("Phone Customer");

        Assert.Equal(BrowserFixture.Phone.Width, session.Page.ViewportSize?.Width);
        await Expect(session.Page.GetByText("Signed in as Phone Customer")).ToBeVisibleAsync();
    }
}
