namespace DaprPlatform.Cli.Arguments;

/// <summary>The command line is wrong; the message says how, and the command's usage follows it.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
