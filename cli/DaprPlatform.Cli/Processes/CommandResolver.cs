namespace DaprPlatform.Cli.Processes;

/// <summary>Finds the executable of an app command the way a shell would, so a typo is reported before anything starts.</summary>
internal static class CommandResolver
{
    /// <returns>The executable's path, or null when it cannot be found.</returns>
    public static string? Resolve(string command, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(command, workingDirectory);
            return File.Exists(path) ? path : null;
        }

        var searchPath = environment.TryGetValue("PATH", out var p) ? p : "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(Path.GetFullPath(dir, workingDirectory), command);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
