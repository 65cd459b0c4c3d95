namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>The repository the descriptions live in (RepositoryRoot: the test binaries walk up to DaprPlatform.sln).</summary>
public static class Repo
{
    public static string Root { get; } = DaprPlatform.Testing.RepositoryRoot.Path;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>A path as the failure messages name it: relative to the repository root, with forward slashes.</summary>
    public static string Display(string path) =>
        System.IO.Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>As <see cref="Display"/> for a path inside the repository; any other path (a temp file) as it is.</summary>
    public static string DisplayMaybe(string path) =>
        path.StartsWith(Root, StringComparison.Ordinal) ? Display(path) : System.IO.Path.GetFileName(path);

    public static string ReadRequired(string relativePath)
    {
        var path = Path(relativePath);
        Assert.True(File.Exists(path), $"{relativePath}: the file does not exist");
        return File.ReadAllText(path);
    }
}

/// <summary>Collects every problem a check finds, so one run names all of them instead of the first.</summary>
public sealed class Problems
{
    private readonly List<string> _items = [];

    public void Add(string problem) => _items.Add(problem);

    public void Check(bool condition, string problem)
    {
        if (!condition)
        {
            _items.Add(problem);
        }
    }

    public void AssertNone(string what)
    {
        Assert.True(_items.Count == 0, $"{what}: {_items.Count} problem(s)\n  " + string.Join("\n  ", _items));
    }
}
