using System.ComponentModel;
using System.Diagnostics;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.Processes;

namespace DaprPlatform.Cli.Supervision;

/// <summary>One app and its sidecar: starts daprd and waits for it, starts the app, stops the app before the sidecar.</summary>
internal sealed class AppInstance : IAsyncDisposable
{
    /// <summary>The Dapr CLI waits this long for a sidecar (runtimeWaitTimeoutInSeconds).</summary>
    public static readonly TimeSpan SidecarStartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The Dapr CLI's grace period before it kills an app's process group.</summary>
    public static readonly TimeSpan AppStopGrace = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan SidecarStopGrace = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    private readonly LaunchSettings _settings;

    public AppInstance(AppLaunchSpec spec, AppPorts ports, LaunchSettings settings, OutputRouting output)
    {
        Spec = spec;
        Ports = ports;
        Output = output;
        _settings = settings;
        Client = new SidecarClient(ports.Http, settings.ApiToken);
    }

    public AppLaunchSpec Spec { get; }

    public AppPorts Ports { get; }

    public OutputRouting Output { get; }

    public SidecarClient Client { get; }

    public ChildProcess? Sidecar { get; private set; }

    public ChildProcess? App { get; private set; }

    public string AppCommandText => string.Join(' ', Spec.Command);

    /// <summary>Starts daprd and returns once GET /v1.0/healthz/outbound answers 204.</summary>
    /// <exception cref="LaunchException">daprd could not start, exited, or stayed unhealthy.</exception>
    public async Task StartSidecarAsync(CancellationToken cancellationToken)
    {
        var environment = ProcessEnvironments.ForSidecar(Spec, _settings.InheritedEnvironment, _settings.SidecarDefaults);
        try
        {
            var (fileName, arguments) = SidecarCommand.For(_settings.Daprd, _settings.DotnetPath, DaprdCommandLine.Build(Spec, Ports));
            Sidecar = ChildProcess.Start(
                fileName,
                arguments,
                Spec.WorkingDirectory,
                environment,
                Output.DaprdLine,
                Output.DaprdLine);
        }
        catch (Win32Exception e)
        {
            throw new LaunchException($"Error starting daprd process: {e.Message}");
        }

        var deadline = Stopwatch.StartNew();
        while (!await Client.IsOutboundHealthyAsync(cancellationToken))
        {
            if (Sidecar.HasExited)
            {
                await Sidecar.DrainOutputAsync();
                throw new LaunchException($"The daprd process exited with error code: {await Sidecar.Exited}");
            }

            if (deadline.Elapsed > SidecarStartTimeout)
            {
                throw new LaunchException($"Dapr sidecar is not healthy on HTTP port {Ports.Http} after {SidecarStartTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(ProbeInterval, cancellationToken);
        }
    }

    /// <summary>Starts the app command (if any) with the Dapr environment variables.</summary>
    /// <exception cref="LaunchException">The command cannot be found or started.</exception>
    public void StartApp()
    {
        if (Spec.Command.Count == 0)
        {
            return;
        }

        var environment = ProcessEnvironments.ForApp(Spec, Ports, _settings.InheritedEnvironment);
        var command = Spec.Command[0];
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new LaunchException("Error starting app process: exec: no command");
        }

        var executable = CommandResolver.Resolve(command, Spec.WorkingDirectory, environment)
            ?? throw new LaunchException($"Failed to find command {command}: executable file not found in $PATH");
        try
        {
            App = ChildProcess.Start(executable, Spec.Command.Skip(1), Spec.WorkingDirectory, environment, Output.AppLine, Output.AppLine);
        }
        catch (Win32Exception e)
        {
            throw new LaunchException($"Error starting app process: {e.Message}");
        }
    }

    /// <summary>Records what `dapr list` shows (cliPID, appPID, appCommand...) in the sidecar's extended metadata.</summary>
    public async Task<IReadOnlyList<string>> PublishMetadataAsync(IReadOnlyDictionary<string, string> entries, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (var (attribute, value) in entries)
        {
            if (!await Client.PutMetadataAsync(attribute, value, cancellationToken))
            {
                failed.Add(attribute);
            }
        }

        return failed;
    }

    /// <summary>Stops the app (its whole process group) and then the sidecar.</summary>
    public async Task<(StopOutcome? App, StopOutcome? Sidecar)> StopAsync()
    {
        StopOutcome? app = App is null ? null : await App.StopAsync(AppStopGrace);
        StopOutcome? sidecar = Sidecar is null ? null : await Sidecar.StopAsync(SidecarStopGrace);
        if (App is not null)
        {
            await App.DrainOutputAsync();
        }

        if (Sidecar is not null)
        {
            await Sidecar.DrainOutputAsync();
        }

        return (app, sidecar);
    }

    /// <summary>Kills both at once (a second Ctrl+C).</summary>
    public async Task KillAsync()
    {
        await Task.WhenAll(
            App?.StopAsync(TimeSpan.Zero) ?? Task.FromResult(StopOutcome.AlreadyExited),
            Sidecar?.StopAsync(TimeSpan.Zero) ?? Task.FromResult(StopOutcome.AlreadyExited));
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        Output.Dispose();
    }
}
