namespace DaprPlatform.WebConsole.Tests.Support;

/// <summary>
/// One headless Chromium for the test run — Debian's (/usr/bin/chromium, which infra/install.sh installs), never a
/// browser Playwright downloads — and a new browser context per test, so no cookie, storage or circuit leaks from
/// one test into the next.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A desktop window, wide enough that the console shows its full navigation.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    /// <summary>A phone-width screen (375 px, an iPhone's CSS width).</summary>
    public static readonly ViewportSize Phone = new() { Width = 375, Height = 812 };

    // Blazor re-renders over its circuit after each server round trip; a busy two-core machine needs more than
    // Playwright's 5 s for some of them. Waits for a saga to finish pass their own timeout.
    private const float DefaultTimeoutMs = 20_000;

    // The machine's network is closed, and nothing the tests check needs Chromium's own services.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser has not started");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run infra/install.sh (./test.sh does), or apt-get install chromium");
        }

        Assertions.SetDefaultExpectTimeout(DefaultTimeoutMs);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>
    /// A new context (its own cookies and storage) and page on the console: relative URLs ("/cart") go to
    /// <paramref name="consoleUrl"/>. Dispose the session at the end of the test.
    /// </summary>
    public async Task<BrowserSession> NewSessionAsync(Uri consoleUrl, ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = consoleUrl.ToString().TrimEnd('/'),
            ViewportSize = viewport ?? Desktop,
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(DefaultTimeoutMs);
        context.SetDefaultNavigationTimeout(DefaultTimeoutMs);
        try
        {
            return new BrowserSession(context, await context.NewPageAsync());
        }
        catch
        {
            await context.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new session at phone width (375 px): <see cref="Phone"/>.</summary>
    public Task<BrowserSession> NewPhoneSessionAsync(Uri consoleUrl) => NewSessionAsync(consoleUrl, Phone);
}

/// <summary>One test's browser context and its page; disposing closes both.</summary>
public sealed class BrowserSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;

    public IPage Page { get; } = page;

    /// <summary>Another tab in the same context (same cookies and session storage origin, its own circuit).</summary>
    public Task<IPage> NewPageAsync() => Context.NewPageAsync();

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
