namespace DaprPlatform.Cli.Launch;

/// <summary>Where an app's or daprd's output goes (the run file's appLogDestination / daprdLogDestination).</summary>
internal enum LogDestination
{
    Console,
    File,
    FileAndConsole,
}

internal static class LogDestinations
{
    public const string ValidValues = "file, console, fileAndConsole";

    /// <summary>The run file's spelling, as the Dapr CLI compares it (case-sensitive).</summary>
    public static LogDestination? Parse(string value) => value switch
    {
        "console" => LogDestination.Console,
        "file" => LogDestination.File,
        "fileAndConsole" => LogDestination.FileAndConsole,
        _ => null,
    };

    public static bool ToConsole(this LogDestination destination) => destination != LogDestination.File;

    public static bool ToFile(this LogDestination destination) => destination != LogDestination.Console;
}
