using System.Globalization;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.State;

namespace DaprPlatform.Cli.Supervision;

/// <summary>
/// `dapr-dev run`: one sidecar and, optionally, one app. The app starts once the sidecar is healthy; when the app
/// exits the sidecar is stopped and the app's exit code becomes the CLI's; Ctrl+C/SIGTERM stops the app and then
/// the sidecar. Without a command the sidecar runs until a signal.
/// </summary>
internal sealed class SingleAppRun(CliEnvironment environment, LaunchSettings settings, ShutdownSignal signal)
{
    private readonly Reporter _reporter = new(environment.Out, environment.Error);

    public async Task<int> RunAsync(AppLaunchSpec spec)
    {
        AppPorts ports;
        try
        {
            ports = new PortAllocator().Allocate(spec);
        }
        catch (PortUnavailableException e)
        {
            _reporter.Failure(e.Message);
            return 1;
        }

        _reporter.Info($"Starting Dapr with id {spec.AppId}. HTTP Port: {ports.Http}. gRPC Port: {ports.Grpc}");
        await using var instance = new AppInstance(spec, ports, settings, OutputRouting.ForSingleApp(_reporter));
        string? statePath = null;
        try
        {
            var started = await StartAsync(instance);
            if (started is { } failureExitCode)
            {
                return failureExitCode;
            }

            statePath = RunStateStore.Write(environment.DevHome, StateOf(instance));
            await PublishMetadataAsync(instance);
            _reporter.Success(instance.App is null
                ? "You're up and running! Dapr logs will appear here.\n"
                : "You're up and running! Both Dapr and your app logs will appear here.\n");
            return await SuperviseAsync(instance);
        }
        finally
        {
            if (statePath is not null)
            {
                RunStateStore.Delete(statePath);
            }
        }
    }

    /// <returns>Null when both processes run; otherwise the CLI's exit code (everything is stopped already).</returns>
    private async Task<int?> StartAsync(AppInstance instance)
    {
        try
        {
            await instance.StartSidecarAsync(signal.Token);
            _reporter.Info("Dapr sidecar is up and running.");
            instance.StartApp();
            return null;
        }
        catch (LaunchException e)
        {
            _reporter.Failure(e.Message);
            await StopSequence.StopAllAsync([instance], signal, _reporter, labelled: false);
            return 1;
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
            _reporter.Info("\nterminated signal received: shutting down");
            await StopSequence.StopAllAsync([instance], signal, _reporter, labelled: false);
            return 0;
        }
    }

    private async Task<int> SuperviseAsync(AppInstance instance)
    {
        var sidecar = instance.Sidecar!;
        var app = instance.App;
        var appExited = app?.Exited ?? new TaskCompletionSource<int>().Task;
        var first = await Task.WhenAny(appExited, sidecar.Exited, signal.Requested);
        if (first == appExited)
        {
            await app!.DrainOutputAsync();
            var code = await appExited;
            StopReporting.AppExitedOnItsOwn(_reporter, "", code);
            await StopSequence.StopAllAsync([instance], signal, _reporter, labelled: false);
            return code;
        }

        if (first == sidecar.Exited)
        {
            await sidecar.DrainOutputAsync();
            var code = await sidecar.Exited;
            StopReporting.SidecarExitedOnItsOwn(_reporter, "", code);
            await StopSequence.StopAllAsync([instance], signal, _reporter, labelled: false);
            return code == 0 ? StopReporting.ExitCodeAfterStop(app) : 1;
        }

        _reporter.Info("\nterminated signal received: shutting down");
        await StopSequence.StopAllAsync([instance], signal, _reporter, labelled: false);
        return StopReporting.ExitCodeAfterStop(app);
    }

    private async Task PublishMetadataAsync(AppInstance instance)
    {
        var entries = new Dictionary<string, string>
        {
            ["cliPID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        };
        if (instance.App is { } app)
        {
            entries["appPID"] = app.Id.ToString(CultureInfo.InvariantCulture);
            entries["appCommand"] = instance.AppCommandText;
        }

        try
        {
            foreach (var attribute in await instance.PublishMetadataAsync(entries, signal.Token))
            {
                _reporter.Warning($"Could not update sidecar metadata for {attribute}");
            }
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
            // Shutting down; the supervisor sees the signal next.
        }
    }

    private static RunState StateOf(AppInstance instance) => new(
        RunFile: null,
        CliPid: Environment.ProcessId,
        StartedAt: DateTimeOffset.Now,
        Apps: [RunStates.Of(instance)]);
}
