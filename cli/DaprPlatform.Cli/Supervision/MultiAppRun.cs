using System.Globalization;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.State;

namespace DaprPlatform.Cli.Supervision;

/// <summary>
/// `dapr-dev run -f`: every app of a run file with its sidecar. All sidecars start together and every app starts
/// once they are healthy (so an app can call any other app's sidecar from its first request). An app or sidecar
/// that exits is reported and the others keep running, as with `dapr run -f`; Ctrl+C/SIGTERM or `dapr-dev stop -f`
/// stops them all. The CLI exits by itself only when nothing it started is left running.
/// </summary>
internal sealed class MultiAppRun(CliEnvironment environment, LaunchSettings settings, ShutdownSignal signal)
{
    private readonly Reporter _reporter = new(environment.Out, environment.Error);

    public async Task<int> RunAsync(string runFile, string? runName, IReadOnlyList<AppLaunchSpec> specs)
    {
        var instances = new List<AppInstance>();
        string? statePath = null;
        try
        {
            if (!Prepare(runFile, specs, instances) || !await StartAsync(runFile, instances))
            {
                await StopSequence.StopAllAsync(instances, signal, _reporter, labelled: true);
                return signal.Requested.IsCompleted ? 0 : 1;
            }

            statePath = RunStateStore.Write(environment.DevHome, new RunState(runFile, Environment.ProcessId, DateTimeOffset.Now, [.. instances.Select(RunStates.Of)]));
            foreach (var instance in instances)
            {
                await PublishMetadataAsync(instance, runFile, runName);
                _reporter.Success($"You're up and running! Dapr logs will appear here. (app \"{instance.Spec.AppId}\")");
                _reporter.Info($"Started Dapr with app id \"{instance.Spec.AppId}\". HTTP Port: {instance.Ports.Http}. gRPC Port: {instance.Ports.Grpc}");
                if (instance.Spec.LogsDirectory is { } logs && (instance.Output.AppLog ?? instance.Output.DaprdLog) is not null)
                {
                    _reporter.Info($"Writing log files to directory : {logs}");
                }
            }

            return await SuperviseAsync(instances);
        }
        finally
        {
            if (statePath is not null)
            {
                RunStateStore.Delete(statePath);
            }

            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    private bool Prepare(string runFile, IReadOnlyList<AppLaunchSpec> specs, List<AppInstance> instances)
    {
        var allocator = new PortAllocator(specs.Select(s => s.AppPort));
        var startedAt = DateTime.Now;
        foreach (var spec in specs)
        {
            _reporter.Info($"Validating config and starting app \"{spec.AppId}\"");
            try
            {
                var ports = allocator.Allocate(spec);
                instances.Add(new AppInstance(spec, ports, settings, OutputRouting.ForRunFile(_reporter, spec, startedAt)));
                _reporter.Info($"Starting Dapr with id {spec.AppId}. HTTP Port: {ports.Http}. gRPC Port: {ports.Grpc}");
            }
            catch (Exception e) when (e is PortUnavailableException or IOException or UnauthorizedAccessException)
            {
                _reporter.Failure($"Error validating run config for app \"{spec.AppId}\" present in {runFile}: {e.Message}");
                return false;
            }

            if (spec.Command.Count == 0)
            {
                _reporter.Warning($"No application command found for app \"{spec.AppId}\" present in {runFile}");
            }
        }

        return true;
    }

    private async Task<bool> StartAsync(string runFile, List<AppInstance> instances)
    {
        var failures = await Task.WhenAll(instances.Select(async instance =>
        {
            try
            {
                await instance.StartSidecarAsync(signal.Token);
                return null;
            }
            catch (LaunchException e)
            {
                return $"Error starting Dapr and app (\"{instance.Spec.AppId}\") present in {runFile}: {e.Message}";
            }
            catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
            {
                return null;
            }
        }));
        foreach (var failure in failures.OfType<string>())
        {
            _reporter.Failure(failure);
        }

        if (failures.Any(f => f is not null) || signal.Requested.IsCompleted)
        {
            return false;
        }

        foreach (var instance in instances)
        {
            try
            {
                instance.StartApp();
            }
            catch (LaunchException e)
            {
                _reporter.Failure($"Error starting Dapr and app (\"{instance.Spec.AppId}\") present in {runFile}: {e.Message}");
                return false;
            }
        }

        return true;
    }

    private async Task<int> SuperviseAsync(List<AppInstance> instances)
    {
        var watchers = new List<Task<int>>();
        foreach (var instance in instances)
        {
            var label = $" \"{instance.Spec.AppId}\"";
            watchers.Add(WatchAsync(instance.Sidecar!, code => StopReporting.SidecarExitedOnItsOwn(_reporter, label, code, instance.Output)));
            if (instance.App is { } app)
            {
                watchers.Add(WatchAsync(app, code => StopReporting.AppExitedOnItsOwn(_reporter, label, code, instance.Output)));
            }
        }

        var allExited = Task.WhenAll(watchers);
        if (await Task.WhenAny(allExited, signal.Requested) == allExited)
        {
            _reporter.Info("Every app and sidecar of the run file has exited.");
            return (await allExited).Any(code => code != 0) ? 1 : 0;
        }

        _reporter.Info("Received signal to stop Dapr and app processes. Shutting down Dapr and app processes.");
        await StopSequence.StopAllAsync(instances, signal, _reporter, labelled: true);
        return 0;
    }

    /// <summary>Reports an exit nobody asked for; an exit caused by a stop is reported by the stop.</summary>
    private static async Task<int> WatchAsync(Processes.ChildProcess process, Action<int> report)
    {
        var code = await process.Exited;
        if (!process.StopRequested)
        {
            await process.DrainOutputAsync();
            report(code);
        }

        return code;
    }

    private async Task PublishMetadataAsync(AppInstance instance, string runFile, string? runName)
    {
        var entries = new Dictionary<string, string>
        {
            ["cliPID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            ["runTemplatePath"] = runFile,
        };
        if (!string.IsNullOrEmpty(runName))
        {
            entries["runTemplateName"] = runName;
        }

        if (instance.Output.AppLog is { } appLog)
        {
            entries["appLogPath"] = appLog.Path;
        }

        if (instance.Output.DaprdLog is { } daprdLog)
        {
            entries["daprdLogPath"] = daprdLog.Path;
        }

        if (instance.App is { } app)
        {
            entries["appPID"] = app.Id.ToString(CultureInfo.InvariantCulture);
            entries["appCommand"] = instance.AppCommandText;
        }

        try
        {
            foreach (var attribute in await instance.PublishMetadataAsync(entries, signal.Token))
            {
                _reporter.Warning($"Could not update sidecar metadata for {attribute} (app \"{instance.Spec.AppId}\")");
            }
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
            // Shutting down; the supervisor sees the signal next.
        }
    }
}
