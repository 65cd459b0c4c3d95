namespace DaprPlatform.Cli.Launch;

/// <summary>
/// The lowest-precedence resources path and config file, used when neither the command line nor the run file
/// names one. Like `dapr run`: ~/.dapr/components and ~/.dapr/config.yaml when they exist (`dapr init` creates
/// them). Without ~/.dapr/components the repository's embedded in-memory set is used, so nothing needs installing.
/// </summary>
internal sealed record RunDefaults(IReadOnlyList<string> ResourcesPaths, string? ConfigPath)
{
    public static RunDefaults For(CliEnvironment environment)
    {
        var daprComponents = Path.Combine(environment.DaprDirectory, "components");
        IReadOnlyList<string> resources = Directory.Exists(daprComponents)
            ? [daprComponents]
            : environment.RepositoryRoot is { } repo && Directory.Exists(DevComponents.EmbeddedDirectory(repo))
                ? [DevComponents.EmbeddedDirectory(repo)]
                : [];
        return new RunDefaults(resources, DaprConfig(environment));
    }

    /// <summary>`up`: the component set the CLI selected replaces ~/.dapr/components.</summary>
    public static RunDefaults WithResources(string resourcesDirectory, CliEnvironment environment) =>
        new([resourcesDirectory], DaprConfig(environment));

    private static string? DaprConfig(CliEnvironment environment)
    {
        var config = Path.Combine(environment.DaprDirectory, "config.yaml");
        return File.Exists(config) ? config : null;
    }
}
