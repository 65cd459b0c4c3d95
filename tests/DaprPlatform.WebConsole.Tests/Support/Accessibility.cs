using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;

namespace DaprPlatform.WebConsole.Tests.Support;

/// <summary>axe-core on the page as it is now: the bar is no serious or critical violation.</summary>
public static class Accessibility
{
    private static readonly string[] FailingImpacts = ["serious", "critical"];

    /// <summary>
    /// Runs axe on the whole page and fails with each serious or critical violation: its rule id, what it asks for,
    /// and the selectors of the elements that break it. Minor and moderate findings do not fail the test.
    /// </summary>
    public static async Task AssertNoSeriousViolationsAsync(this IPage page, string pageName)
    {
        var result = await page.RunAxe();
        var failing = result.Violations.Where(v => FailingImpacts.Contains(v.Impact, StringComparer.OrdinalIgnoreCase)).ToList();
        Assert.True(failing.Count == 0, $"axe on {pageName} ({page.Url}): {failing.Count} serious or critical violation(s):\n" + Describe(failing));
    }

    private static string Describe(IEnumerable<AxeResultItem> violations) =>
        string.Join('\n', violations.Select(v =>
            $"  {v.Id} ({v.Impact}): {v.Help} [{v.HelpUrl}]\n" +
            string.Join('\n', v.Nodes.Select(n => $"    at {n.Target}"))));
}
