using DaprPlatform.Cli.Processes;

namespace DaprPlatform.Cli.Launch;

/// <summary>
/// How to start sidecars on this machine: daprd (the NativeAOT executable ./dapr-dev publishes, or a daprd.dll run on the
/// dotnet host: <see cref="SidecarCommand"/>), and the environment every child inherits.
/// </summary>
internal sealed record LaunchSettings(
    string DotnetPath,
    string Daprd,
    IReadOnlyDictionary<string, string> InheritedEnvironment,
    IReadOnlyDictionary<string, string> SidecarDefaults)
{
    /// <summary>The token the CLI must send on its own calls to a sidecar (the sidecars read the same variable).</summary>
    public string? ApiToken => InheritedEnvironment.TryGetValue("DAPR_API_TOKEN", out var token) && token.Length > 0 ? token : null;

    /// <exception cref="LaunchSettingsException">daprd or dotnet cannot be found.</exception>
    public static LaunchSettings From(CliEnvironment environment) => new(
        FindDotnet(environment),
        FindDaprd(environment),
        environment.Variables,
        DevComponents.SidecarDefaults(environment.RepositoryRoot)
            .Concat(SidecarRuntimeTuning.Environment)
            .ToDictionary(StringComparer.Ordinal));

    private static string FindDaprd(CliEnvironment environment)
    {
        if (environment.Variable(CliEnvironment.DaprdVariable) is { } configured)
        {
            var path = environment.ResolvePath(configured);
            return File.Exists(path)
                ? path
                : throw new LaunchSettingsException($"{CliEnvironment.DaprdVariable}={configured}, but there is no file at {path}");
        }

        var own = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var candidates = new List<string>
        {
            Path.Combine(own, "daprd"),
            // .artifacts layout: bin/DaprPlatform.Cli/release → daprd (the published sidecar, see ./dapr-dev)
            Path.Combine(own, "..", "..", "..", "daprd", "daprd"),
        };
        if (environment.RepositoryRoot is { } repo)
        {
            candidates.Add(Path.Combine(repo, ".artifacts", "daprd", "daprd"));
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                candidates.Add(Path.Combine(repo, "sidecar", "DaprPlatform.Sidecar", "bin", configuration, "net10.0", "daprd.dll"));
            }
        }

        return candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists)
            ?? throw new LaunchSettingsException(
                $"daprd (the sidecar) was not found; run the CLI through ./dapr-dev, which builds it, or set {CliEnvironment.DaprdVariable}");
    }

    private static string FindDotnet(CliEnvironment environment)
    {
        // Running as `dotnet dapr-dev.dll`: the same host runs the sidecar.
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        if (environment.Variable("DOTNET_HOST_PATH") is { } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        return CommandResolver.Resolve("dotnet", environment.CurrentDirectory, environment.Variables)
            ?? throw new LaunchSettingsException("the 'dotnet' command was not found on PATH; install the .NET 10 SDK (https://dot.net)");
    }
}

internal sealed class LaunchSettingsException(string message) : Exception(message);
