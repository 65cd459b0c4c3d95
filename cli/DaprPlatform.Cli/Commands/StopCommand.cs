using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.Processes;
using DaprPlatform.Cli.RunFile;
using DaprPlatform.Cli.State;

namespace DaprPlatform.Cli.Commands;

/// <summary>
/// `dapr-dev stop -f &lt;dir|file&gt;` and `dapr-dev stop --app-id &lt;id&gt;`: asks the CLI that runs them to shut down
/// (SIGTERM, so apps stop before their sidecars), and stops the processes directly when that CLI is gone.
/// </summary>
internal static class StopCommand
{
    public static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("run-file", 'f', FlagKind.String, "Path to the run template file (or its directory) for the list of apps to stop"),
        new("app-id", 'a', FlagKind.String, "The application id to be stopped"),
        new("help", 'h', FlagKind.Bool, "Print this help message"),
    ];

    private static readonly TimeSpan CliExitTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DirectStopGrace = TimeSpan.FromSeconds(5);

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CliEnvironment environment)
    {
        var parsed = ArgumentParser.Parse(args, Flags, commandFollows: false);
        if (parsed.Bool("help"))
        {
            environment.Out.Write(Usage.Stop);
            return 0;
        }

        var reporter = new Reporter(environment.Out, environment.Error);
        if (parsed.String("run-file") is { } runFile)
        {
            string file;
            try
            {
                file = RunFileLocator.Locate(runFile, environment);
            }
            catch (RunFileException e)
            {
                reporter.Failure($"Failed to get run file path: {e.Message}");
                return 1;
            }

            var statePath = RunStateStore.PathForRunFile(environment.DevHome, file);
            if (RunStateStore.Read(statePath) is not { } state)
            {
                reporter.Failure($"Failed to stop Dapr and app processes: couldn't find apps with run file \"{file}\"");
                return 1;
            }

            await StopRunAsync(statePath, state);
            reporter.Success("Dapr and app processes stopped successfully");
            return 0;
        }

        if (parsed.String("app-id") is { } appId)
        {
            var found = RunStateStore.ReadAll(environment.DevHome)
                .FirstOrDefault(r => r.State.Apps.Any(a => a.AppId == appId) && Signals.IsAlive(r.State.CliPid));
            if (found.State is null)
            {
                reporter.Failure($"failed to stop app id {appId}: couldn't find app id {appId}");
                return 1;
            }

            if (found.State.Apps.Count == 1)
            {
                await StopRunAsync(found.Path, found.State);
            }
            else
            {
                // One app of a run file: stop its processes; the CLI reports the exits and keeps the others running.
                await StopAppAsync(found.State.Apps.First(a => a.AppId == appId));
            }

            reporter.Success($"app stopped successfully: {appId}");
            return 0;
        }

        throw new CliUsageException("stop needs --run-file (-f) or --app-id (-a)");
    }

    private static async Task StopRunAsync(string statePath, RunState state)
    {
        if (Signals.SendToProcess(state.CliPid, Signals.SigTerm) && await WaitAsync(() => !Signals.IsAlive(state.CliPid), CliExitTimeout))
        {
            return;
        }

        // The CLI is gone (killed, crashed) or does not answer: stop what it started ourselves.
        foreach (var app in state.Apps)
        {
            await StopAppAsync(app);
        }

        RunStateStore.Delete(statePath);
    }

    private static async Task StopAppAsync(RunStateApp app)
    {
        if (app.AppPid is { } appPid)
        {
            await StopGroupAsync(appPid);
        }

        await StopGroupAsync(app.DaprdPid);
    }

    private static async Task StopGroupAsync(int pgid)
    {
        if (!Signals.SendToGroup(pgid, Signals.SigTerm))
        {
            return;
        }

        if (!await WaitAsync(() => !Signals.IsGroupAlive(pgid), DirectStopGrace))
        {
            Signals.SendToGroup(pgid, Signals.SigKill);
        }
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
