namespace DaprPlatform.Testing;

/// <summary>
/// The checkout the tests run from, found by walking up to DaprPlatform.sln (or named by DAPRPLATFORM_REPO_ROOT
/// for test binaries built outside the checkout).
/// </summary>
public static class RepositoryRoot
{
    public const string RepoRootVariable = "DAPRPLATFORM_REPO_ROOT";

    private const string SolutionFileName = "DaprPlatform.sln";

    private static readonly Lazy<string> Root = new(Locate);

    public static string Path => Root.Value;

    public static string Combine(params string[] relativeParts) =>
        System.IO.Path.Combine([Path, .. relativeParts]);

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable(RepoRootVariable) is { Length: > 0 } configured)
        {
            return File.Exists(System.IO.Path.Combine(configured, SolutionFileName))
                ? System.IO.Path.GetFullPath(configured)
                : throw new InvalidOperationException($"{RepoRootVariable}={configured} holds no {SolutionFileName}.");
        }

        // Test binaries live under bin/<Configuration>/net10.0; the working directory is a fallback
        // for hosts that copy them elsewhere.
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(directory.FullName, SolutionFileName)))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"Could not find {SolutionFileName} above '{AppContext.BaseDirectory}' or '{Directory.GetCurrentDirectory()}'.");
    }
}
