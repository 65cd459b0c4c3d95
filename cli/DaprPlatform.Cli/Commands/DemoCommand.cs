using System.Text.Json;
using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.Platform;
using DaprPlatform.Cli.Supervision;

namespace DaprPlatform.Cli.Commands;

/// <summary>`dapr-dev demo`: narrates a full run against a platform `up` is serving (see <see cref="DemoScenario"/>).</summary>
internal static class DemoCommand
{
    public const string DefaultGateway = "http://127.0.0.1:8080";

    public static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("gateway", null, FlagKind.String, "The gateway's URL", DefaultGateway),
        new("secrets-file", null, FlagKind.String, "The secrets file with the admin account", "$DAPRPLATFORM_SECRETS_FILE, else .dapr-dev/secrets.json"),
        new("help", 'h', FlagKind.Bool, "Print this help message"),
    ];

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CliEnvironment environment)
    {
        var parsed = ArgumentParser.Parse(args, Flags, commandFollows: false);
        if (parsed.Bool("help"))
        {
            environment.Out.Write(Usage.Demo);
            return 0;
        }

        var reporter = new Reporter(environment.Out, environment.Error);
        var secretsFile = parsed.String("secrets-file") is { } given ? environment.ResolvePath(given)
            : environment.Variable(DevComponents.SecretsFileVariable)
            ?? (environment.RepositoryRoot is { } repo
                ? Path.Combine(environment.Variable(UpCommand.DataDirectoryVariable) is { } data ? environment.ResolvePath(data) : Path.Combine(repo, ".dapr-dev"), PlatformSecrets.FileName)
                : null);
        if (secretsFile is null || !File.Exists(secretsFile))
        {
            reporter.Failure($"No secrets file with the admin account ({secretsFile ?? "none found"}); start the platform with ./dapr-dev up, or pass --secrets-file");
            return 1;
        }

        string adminEmail, adminPassword;
        using (var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(secretsFile)))
        {
            var identity = secrets.RootElement.GetProperty("Identity");
            adminEmail = identity.GetProperty("AdminEmail").GetString()!;
            adminPassword = identity.GetProperty("AdminPassword").GetString()!;
        }

        var gateway = new Uri(parsed.String("gateway") ?? DefaultGateway);
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        using var signal = new ShutdownSignal();
        reporter.Info($"Demo against {gateway} (admin account from {secretsFile})");
        try
        {
            await new DemoScenario(http, reporter, adminEmail, adminPassword).RunAsync(signal.Token);
            return 0;
        }
        catch (DemoException e)
        {
            reporter.Failure(e.Message);
            return 1;
        }
        catch (HttpRequestException e)
        {
            reporter.Failure($"The gateway at {gateway} did not answer ({e.Message}); is ./dapr-dev up running?");
            return 1;
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
            return 130;
        }
    }
}
