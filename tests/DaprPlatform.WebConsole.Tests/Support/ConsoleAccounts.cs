namespace DaprPlatform.WebConsole.Tests.Support;

/// <summary>Signing up, in and out through the console's own forms, as a person would.</summary>
public static class ConsoleAccounts
{
    /// <summary>
    /// Opens /signup, creates an account with a unique email and waits until the console shows the user signed in
    /// (its "Sign out" link). Returns the email, to sign in again later with <see cref="ConsolePlatform.CustomerPassword"/>.
    /// </summary>
    public static async Task<string> SignUpAsync(this IPage page, string name = "Browser Customer")
    {
        var email = ConsolePlatform.UniqueEmail();
        await page.GotoAsync("/signup");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(ConsolePlatform.CustomerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up", Exact = true }).ClickAsync();
        await ExpectSignedInAsync(page);
        return email;
    }

    /// <summary>Opens /signin, signs in and waits until the console shows the user signed in.</summary>
    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectSignedInAsync(page);
    }

    /// <summary>Signs in as the platform's seeded admin (the password `up` generated).</summary>
    public static Task SignInAsAdminAsync(this IPage page, ConsolePlatform platform) =>
        page.SignInAsync(platform.AdminEmail, platform.AdminPassword);

    /// <summary>Opens /signout and waits until the console offers "Sign in" again.</summary>
    public static async Task SignOutAsync(this IPage page)
    {
        await page.GotoAsync("/signout");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).First).ToBeVisibleAsync();
    }

    // A problem (wrong password, taken email) is shown on the form; failing here with it beats a timeout.
    private static async Task ExpectSignedInAsync(IPage page)
    {
        var signOut = page.GetByRole(AriaRole.Link, new() { Name = "Sign out", Exact = true });
        var problem = page.GetByRole(AriaRole.Alert);
        await Expect(signOut.Or(problem).First).ToBeVisibleAsync();
        if (!await signOut.IsVisibleAsync())
        {
            Assert.Fail($"not signed in at {page.Url}: {string.Join(" / ", await problem.AllInnerTextsAsync())}");
        }
    }
}
