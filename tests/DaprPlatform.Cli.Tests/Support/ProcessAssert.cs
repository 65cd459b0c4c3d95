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
}
