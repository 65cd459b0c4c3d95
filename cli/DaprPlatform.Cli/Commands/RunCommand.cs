using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.RunFile;
using DaprPlatform.Cli.Supervision;

namespace DaprPlatform.Cli.Commands;

/// <summary>`dapr-dev run [flags] [-- command]` and `dapr-dev run -f &lt;dir|file&gt;`.</summary>
internal static class RunCommand
{
    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CliEnvironment environment)
    {
        var parsed = RunFlags.Parse(args);
        if (parsed.Bool("help"))
        {
            environment.Out.Write(Usage.Run);
            return 0;
        }

        var reporter = new Reporter(environment.Out, environment.Error);
        if (parsed.String("run-file") is { } runFilePath)
        {
            var incompatible = parsed.Given.Where(f => !RunFlags.RunFileCompatible.Contains(f)).Order(StringComparer.Ordinal).ToList();
            if (incompatible.Count > 0 || parsed.Positionals.Count > 0)
            {
                throw new CliUsageException(
                    $"the following flags are not supported with --run-file: {string.Join(", ", incompatible.Select(f => "--" + f))}"
                    + (parsed.Positionals.Count > 0 ? " (and an app command)" : ""));
            }

            return await RunFileAsync(runFilePath, RunDefaults.For(environment), environment, reporter);
        }

        foreach (var flag in RunFlags.IgnoredGiven(parsed))
        {
            reporter.Warning($"--{flag} is accepted for compatibility with the Dapr CLI and has no effect here");
        }

        if (parsed.Positionals.Count == 0)
        {
            reporter.Line("WARNING: no application command found.");
        }

        var spec = RunFlags.ToLaunchSpec(parsed, RunDefaults.For(environment), environment);
        var settings = LaunchSettings.From(environment);
        using var signal = new ShutdownSignal();
        return await new SingleAppRun(environment, settings, signal).RunAsync(spec);
    }

    /// <summary>
    /// Runs every app of a run file; shared with `up`, which passes its own defaults, environment and signal, and
    /// learns the resolved apps through <paramref name="resolved"/> before they start.
    /// </summary>
    public static async Task<int> RunFileAsync(
        string runFilePath,
        RunDefaults defaults,
        CliEnvironment environment,
        Reporter reporter,
        ShutdownSignal? signal = null,
        Action<IReadOnlyList<AppLaunchSpec>>? resolved = null)
    {
        IReadOnlyList<AppLaunchSpec> specs;
        RunFileDocument document;
        try
        {
            var file = RunFileLocator.Locate(runFilePath, environment);
            document = RunFileParser.Parse(file);
            specs = RunFileResolver.Resolve(document, defaults, environment);
        }
        catch (RunFileException e)
        {
            reporter.Failure($"Error getting apps from config file: {e.Message}");
            return 1;
        }

        foreach (var warning in document.Warnings)
        {
            reporter.Warning(warning);
        }

        foreach (var spec in specs.Where(s => s.Command.Count == 0 && s.AppPort is not null))
        {
            reporter.Warning($"app \"{spec.AppId}\" has an appPort but no command: its sidecar waits for an app that nobody starts");
        }

        resolved?.Invoke(specs);
        var settings = LaunchSettings.From(environment);
        var ownSignal = signal is null ? new ShutdownSignal() : null;
        try
        {
            return await new MultiAppRun(environment, settings, signal ?? ownSignal!).RunAsync(document.FilePath, document.Name, specs);
        }
        finally
        {
            ownSignal?.Dispose();
        }
    }
}
