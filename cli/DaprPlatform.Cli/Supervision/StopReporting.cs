using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.Processes;

namespace DaprPlatform.Cli.Supervision;

/// <summary>The Dapr CLI's messages for processes that exit or are stopped, and the exit code they lead to.</summary>
internal static class StopReporting
{
    /// <summary>Exit codes of a process that ended because the CLI asked it to (0, or 128 + SIGINT/SIGTERM/SIGKILL).</summary>
    private static readonly int[] RequestedStopCodes = [0, 130, 137, 143];

    /// <param name="label">"" for `run`; " \"appID\"" for a run file, where several apps share the console.</param>
    public static void AppExitedOnItsOwn(Reporter reporter, string label, int exitCode, OutputRouting? output = null)
    {
        var message = exitCode == 0 ? $"Exited App{label} successfully" : $"The App process{label} exited with error code: {exitCode}";
        output?.AppLog?.WriteLine(message);
        if (exitCode == 0)
        {
            reporter.Success(message);
        }
        else
        {
            reporter.Failure(message);
        }
    }

    public static void SidecarExitedOnItsOwn(Reporter reporter, string label, int exitCode, OutputRouting? output = null)
    {
        var message = exitCode == 0 ? $"Exited Dapr{label} successfully" : $"The daprd process{label} exited with error code: {exitCode}";
        output?.DaprdLog?.WriteLine(message);
        if (exitCode == 0)
        {
            reporter.Success(message);
        }
        else
        {
            reporter.Failure(message);
        }
    }

    /// <summary>Reports what <see cref="AppInstance.StopAsync"/> did; processes that had exited before were reported then.</summary>
    public static void Stopped(Reporter reporter, string label, (StopOutcome? App, StopOutcome? Sidecar) outcome)
    {
        Report(reporter, $"App{label}", outcome.App, AppInstance.AppStopGrace);
        Report(reporter, $"Dapr{label}", outcome.Sidecar, AppInstance.SidecarStopGrace);
    }

    /// <summary>The exit code of a run that was stopped by a signal: the app's, unless it is one a stop produces.</summary>
    public static int ExitCodeAfterStop(ChildProcess? app) =>
        app is { HasExited: true } && !RequestedStopCodes.Contains(app.Exited.Result) ? app.Exited.Result : 0;

    private static void Report(Reporter reporter, string what, StopOutcome? outcome, TimeSpan grace)
    {
        switch (outcome)
        {
            case StopOutcome.Stopped:
                reporter.Success($"Exited {what} successfully");
                break;
            case StopOutcome.Killed:
                reporter.Warning($"{what} did not exit within {grace.TotalSeconds:0} s of SIGTERM and was killed");
                reporter.Success($"Exited {what} successfully");
                break;
        }
    }
}
