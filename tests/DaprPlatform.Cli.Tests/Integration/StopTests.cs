using DaprPlatform.Cli.Processes;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.Integration;

/// <summary>The ways a run ends: `stop --app-id`, Ctrl+C, an app that ignores SIGTERM, and a second Ctrl+C.</summary>
[Collection(CliProcessCollection.Name)]
public sealed class StopTests : IDisposable
{
    private const int SigInt = 2;

    // sh and the sleep it starts both ignore SIGTERM (an ignored signal stays ignored across exec).
    private const string IgnoresSigterm = "trap '' TERM; sleep 300";

    private readonly CliTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task Stop_app_id_stops_a_run_started_elsewhere()
    {
        var appId = CliTestContext.UniqueAppId("stopme");
        await using var cli = _context.Start(["run", "--app-id", appId, "--", "sleep", "300"]);
        await cli.WaitForLineAsync("You're up and running!");
        var state = await cli.RunStateAsync();

        await using (var stop = _context.Start(["stop", "--app-id", appId]))
        {
            Assert.True(await stop.WaitForExitAsync() == 0, stop.Describe());
            Assert.Contains($"app stopped successfully: {appId}", stop.Output, StringComparison.Ordinal);
        }

        Assert.True(await cli.WaitForExitAsync() == 0, cli.Describe());
        await ProcessAssert.NothingLeftAsync(state, cli.Describe());

        await using var again = _context.Start(["stop", "--app-id", appId]);
        Assert.Equal(1, await again.WaitForExitAsync());
        Assert.Contains($"couldn't find app id {appId}", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_stops_the_run_like_sigterm()
    {
        var appId = CliTestContext.UniqueAppId("ctrlc");
        await using var cli = _context.Start(["run", "--app-id", appId, "--", "sleep", "300"]);
        await cli.WaitForLineAsync("You're up and running!");
        var state = await cli.RunStateAsync();

        Assert.True(Signals.SendToProcess(cli.Process.Id, SigInt));

        Assert.True(await cli.WaitForExitAsync() == 0, cli.Describe());
        Assert.Contains("terminated signal received: shutting down", cli.Output, StringComparison.Ordinal);
        await ProcessAssert.NothingLeftAsync(state, cli.Describe());
    }

    [Fact]
    public async Task An_app_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        var appId = CliTestContext.UniqueAppId("stubborn");
        await using var cli = _context.Start(["run", "--app-id", appId, "--", "sh", "-c", IgnoresSigterm]);
        await cli.WaitForLineAsync("You're up and running!");
        var state = await cli.RunStateAsync();

        Assert.True(await cli.TerminateAsync() == 0, cli.Describe());

        Assert.Contains("App did not exit within 5 s of SIGTERM and was killed", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Exited Dapr successfully", cli.Output, StringComparison.Ordinal);
        await ProcessAssert.NothingLeftAsync(state, cli.Describe());
    }

    [Fact]
    public async Task A_second_signal_kills_what_is_still_stopping()
    {
        var appId = CliTestContext.UniqueAppId("impatient");
        await using var cli = _context.Start(["run", "--app-id", appId, "--", "sh", "-c", IgnoresSigterm]);
        await cli.WaitForLineAsync("You're up and running!");
        var state = await cli.RunStateAsync();

        Assert.True(Signals.SendToProcess(cli.Process.Id, Signals.SigTerm));
        await cli.WaitForLineAsync("terminated signal received");
        Assert.True(Signals.SendToProcess(cli.Process.Id, SigInt));

        Assert.True(await cli.WaitForExitAsync() == 0, cli.Describe());
        Assert.Contains("Second signal received: killing the remaining processes", cli.Output, StringComparison.Ordinal);
        await ProcessAssert.NothingLeftAsync(state, cli.Describe());
    }
}
