using DaprPlatform.Cli.Processes;
using DaprPlatform.Cli.State;
using Xunit;

namespace DaprPlatform.Cli.Tests.Support;

internal static class ProcessAssert
{
    /// <summary>Every process the run started (daprd, app, and anything in their process groups) is gone.</summary>
    public static async Task NothingLeftAsync(RunState state, string diagnostics)
    {
        foreach (var app in state.Apps)
        {
            await GoneAsync(app.DaprdPid, $"daprd of {app.AppId}", diagnostics);
            if (app.AppPid is { } appPid)
            {
                await GoneAsync(appPid, $"app {app.AppId}", diagnostics);
            }
        }
    }

    /// <summary>No live process has <paramref name="marker"/> (e.g. a unique app id) on its command line.</summary>
    public static async Task NoProcessMentioningAsync(string marker, string diagnostics)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ProcessesMentioning(marker) is { Count: > 0 } found)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still running: {string.Join("; ", found)}\n{diagnostics}");
            await Task.Delay(100);
        }
    }

    public static async Task GoneAsync(int pid, string what, string diagnostics)
    {
        // Orphans re-parented to a slow init may linger as zombies; those count as gone.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Signals.IsAlive(pid) || Signals.IsGroupAlive(pid))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what} (pid/process group {pid}) is still running.\n{diagnostics}");
            await Task.Delay(100);
        }
    }

    private static List<string> ProcessesMentioning(string marker)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId || !Signals.IsAlive(pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add($"{pid}: {commandLine}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited while we looked.
            }
        }

        return found;
    }
}
