namespace DaprPlatform.Cli.Tests.Support;

/// <summary>A fresh directory under the system temp dir, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dapr-dev-tests-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Creates the sub-directory (and parents) and returns its full path.</summary>
    public string Directory(params string[] parts)
    {
        var path = System.IO.Path.Combine([Path, .. parts]);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Writes a file (creating its directory) and returns its full path.</summary>
    public string File(string relativePath, string content)
    {
        var path = System.IO.Path.Combine(Path, relativePath);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
