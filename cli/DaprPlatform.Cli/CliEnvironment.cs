using System.Collections;

namespace DaprPlatform.Cli;

/// <summary>
/// What a command sees of the outside world: its output streams, the environment variables (also handed on to
/// every process it starts) and the working directory. Tests build one to run commands in-process.
/// </summary>
internal sealed record CliEnvironment(
    TextWriter Out,
    TextWriter Error,
    IReadOnlyDictionary<string, string> Variables,
    string CurrentDirectory)
{
    /// <summary>Where the build script says daprd is (see ./dapr-dev): the NativeAOT executable, or a daprd.dll.</summary>
    public const string DaprdVariable = "DAPR_DEV_DAPRD";

    /// <summary>The DaprPlatform checkout, for components/ and infra/ (set by ./dapr-dev).</summary>
    public const string RepoRootVariable = "DAPR_DEV_REPO_ROOT";

    /// <summary>Per-user state of the dev tooling; the sidecar reads the same variable for its app registry.</summary>
    public const string DevHomeVariable = "DAPR_DEV_HOME";

    private const string SolutionFileName = "DaprPlatform.sln";

    public static CliEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                variables[key] = value;
            }
        }

        return new CliEnvironment(Console.Out, Console.Error, variables, Directory.GetCurrentDirectory());
    }

    public string? Variable(string name) =>
        Variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public string HomeDirectory =>
        Variable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>~/.dapr, where `dapr init` puts the default components and config.yaml.</summary>
    public string DaprDirectory => Path.Combine(HomeDirectory, ".dapr");

    /// <summary>DAPR_DEV_HOME or ~/.dapr-dev: run state for `stop`, the sidecars' app registry for `list`.</summary>
    public string DevHome => Variable(DevHomeVariable) ?? Path.Combine(HomeDirectory, ".dapr-dev");

    /// <summary>The checkout this CLI belongs to, or null when it runs from somewhere else.</summary>
    public string? RepositoryRoot
    {
        get
        {
            if (Variable(RepoRootVariable) is { } configured)
            {
                return Path.GetFullPath(configured);
            }

            foreach (var start in new[] { AppContext.BaseDirectory, CurrentDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
                    {
                        return dir.FullName;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>Resolves a path the user typed: "~" is the home directory, relative paths start at <paramref name="baseDirectory"/>.</summary>
    public string ResolvePath(string path, string? baseDirectory = null)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Path.Combine(HomeDirectory, path.Length > 2 ? path[2..] : "");
        }

        return Path.GetFullPath(path, baseDirectory ?? CurrentDirectory);
    }
}
