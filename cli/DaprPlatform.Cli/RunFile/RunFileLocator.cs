namespace DaprPlatform.Cli.RunFile;

/// <summary>`-f &lt;dir|file&gt;`: a directory means its dapr.yaml (the Dapr CLI's getRunFilePath).</summary>
internal static class RunFileLocator
{
    public const string DefaultFileName = "dapr.yaml";

    /// <exception cref="RunFileException">There is no such file, or it is not YAML.</exception>
    public static string Locate(string path, CliEnvironment environment)
    {
        var resolved = environment.ResolvePath(path);
        if (Directory.Exists(resolved))
        {
            var inDirectory = Path.Combine(resolved, DefaultFileName);
            return File.Exists(inDirectory)
                ? inDirectory
                : throw new RunFileException(inDirectory, "(file)", $"the directory holds no {DefaultFileName}");
        }

        if (!File.Exists(resolved))
        {
            throw new RunFileException(resolved, "(file)", "does not exist");
        }

        return resolved.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || resolved.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            ? resolved
            : throw new RunFileException(resolved, "(file)", "is not a YAML file");
    }
}
