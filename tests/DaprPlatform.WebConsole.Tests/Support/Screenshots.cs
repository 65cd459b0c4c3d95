using DaprPlatform.Testing;

namespace DaprPlatform.WebConsole.Tests.Support;

/// <summary>Screenshots of the console's pages, kept as test artifacts in TestResults/console-screenshots/.</summary>
public static class Screenshots
{
    public static string Directory => RepositoryRoot.Combine("TestResults", "console-screenshots");

    /// <summary>Saves the whole page (not only the viewport) as &lt;name&gt;.png; returns the file's path.</summary>
    public static async Task<string> SaveScreenshotAsync(this IPage page, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
