using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Commands;
using DaprPlatform.Cli.Launch;

namespace DaprPlatform.Cli;

/// <summary>Dispatches `dapr-dev &lt;command&gt;` and turns usage and set-up errors into messages and exit codes.</summary>
internal static class CliApplication
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliEnvironment environment)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            environment.Out.Write(Usage.Root);
            return 0;
        }

        var rest = args.Skip(1).ToList();
        try
        {
            return args[0] switch
            {
                "run" => await RunCommand.ExecuteAsync(rest, environment),
                "stop" => await StopCommand.ExecuteAsync(rest, environment),
                "list" => await ListCommand.ExecuteAsync(rest, environment),
                "up" => await UpCommand.ExecuteAsync(rest, environment),
                "demo" => await DemoCommand.ExecuteAsync(rest, environment),
                _ => throw new UnknownCommandException(args[0]),
            };
        }
        catch (UnknownCommandException e)
        {
            await environment.Error.WriteLineAsync($"Error: unknown command \"{e.Command}\" for \"dapr-dev\"\nRun 'dapr-dev --help' for usage.");
            return 1;
        }
        catch (CliUsageException e)
        {
            await environment.Error.WriteLineAsync($"Error: {e.Message}\nRun 'dapr-dev {args[0]} --help' for usage.");
            return 1;
        }
        catch (LaunchSettingsException e)
        {
            await environment.Error.WriteLineAsync($"❌  {e.Message}");
            return 1;
        }
    }

    private sealed class UnknownCommandException(string command) : Exception($"unknown command {command}")
    {
        public string Command { get; } = command;
    }
}
