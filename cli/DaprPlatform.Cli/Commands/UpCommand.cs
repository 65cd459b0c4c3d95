using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Infra;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.Platform;
using DaprPlatform.Cli.RunFile;
using DaprPlatform.Cli.Supervision;

namespace DaprPlatform.Cli.Commands;

/// <summary>
/// `dapr-dev up [-f dapr.yaml] [--fresh] [--embedded]`: the platform (the repository's dapr.yaml) on this machine.
/// By default it runs on servers: its own local Redis, RabbitMQ and PostgreSQL processes (infra/start.sh, data kept
/// in .dapr-dev/infra between runs, --fresh wipes it), or the ones the environment names (DAPRPLATFORM_REDIS_HOST,
/// DAPRPLATFORM_AMQP_URI and DAPRPLATFORM_PG_CONNECTION all set, as infra.env sets them). It writes the development
/// secrets (<see cref="PlatformSecrets"/>) unless DAPRPLATFORM_SECRETS_FILE names a file of the caller's, prints a line
/// as each service becomes ready, then the gateway's and the console's URLs. --embedded instead runs the run file on
/// components/embedded (in-memory state and pub/sub), for apps that need no server. Apps that name their own
/// resources in the run file keep them (the selected set replaces only the ~/.dapr/components default).
/// </summary>
internal static class UpCommand
{
    /// <summary>Where `up` keeps the servers' data and the generated secrets (default &lt;repo&gt;/.dapr-dev).</summary>
    public const string DataDirectoryVariable = "DAPR_DEV_DATA_DIR";

    /// <summary>Where `up` keeps the servers' data and logs (default &lt;data&gt;/infra).</summary>
    public const string InfraDirectoryVariable = "DAPR_DEV_INFRA_DIR";

    public const string PgConnectionVariable = "DAPRPLATFORM_PG_CONNECTION";

    public static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("run-file", 'f', FlagKind.String, "Path to the run template file or its directory", "./dapr.yaml, else the repository's dapr.yaml"),
        new("fresh", null, FlagKind.Bool, "Wipe the servers' data and the generated secrets first"),
        new("embedded", null, FlagKind.Bool, "Use components/embedded (in-memory state and pub/sub) and start no server"),
        new("infra", null, FlagKind.Bool, "Start local servers (the default; kept for scripts that pass it)"),
        new("help", 'h', FlagKind.Bool, "Print this help message"),
    ];

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CliEnvironment environment)
    {
        var parsed = ArgumentParser.Parse(args, Flags, commandFollows: false);
        if (parsed.Bool("help"))
        {
            environment.Out.Write(Usage.Up);
            return 0;
        }

        var reporter = new Reporter(environment.Out, environment.Error);
        if (environment.RepositoryRoot is not { } repo)
        {
            reporter.Failure($"up needs the DaprPlatform checkout (its components/ and infra/); run it through ./dapr-dev or set {CliEnvironment.RepoRootVariable}");
            return 1;
        }

        var runFile = parsed.String("run-file")
            ?? (File.Exists(Path.Combine(environment.CurrentDirectory, RunFileLocator.DefaultFileName)) ? environment.CurrentDirectory : repo);
        using var signal = new ShutdownSignal();
        if (parsed.Bool("embedded"))
        {
            reporter.Info($"Using the embedded components in {DevComponents.EmbeddedDirectory(repo)}");
            return await RunCommand.RunFileAsync(runFile, RunDefaults.WithResources(DevComponents.EmbeddedDirectory(repo), environment), environment, reporter, signal);
        }

        var dataDirectory = environment.Variable(DataDirectoryVariable) is { } data
            ? environment.ResolvePath(data)
            : Path.Combine(repo, ".dapr-dev");
        var infraDirectory = environment.Variable(InfraDirectoryVariable) is { } configured
            ? environment.ResolvePath(configured)
            : Path.Combine(dataDirectory, "infra");
        var ownServers = !HasServers(environment);
        var infrastructure = ownServers ? new LocalInfrastructure(repo, infraDirectory, reporter, environment) : null;
        if (parsed.Bool("fresh"))
        {
            if (infrastructure is not null && Directory.Exists(infraDirectory))
            {
                await infrastructure.StopAsync();
            }

            Wipe(reporter, dataDirectory, infraDirectory);
        }

        try
        {
            var variables = new Dictionary<string, string>(environment.Variables, StringComparer.Ordinal);
            if (infrastructure is null)
            {
                reporter.Info($"Using the servers the environment names: Redis {environment.Variable(DevComponents.RedisHostVariable)}, RabbitMQ and PostgreSQL");
            }
            else
            {
                IReadOnlyDictionary<string, string> servers;
                try
                {
                    servers = await infrastructure.StartAsync(signal);
                }
                catch (LaunchException e)
                {
                    reporter.Failure(e.Message);
                    return 1;
                }
                catch (OperationCanceledException) when (signal.Requested.IsCompleted)
                {
                    return 0;
                }

                // The servers' addresses go to every sidecar (components/ reads them with envRef) and every app.
                foreach (var (name, value) in servers)
                {
                    variables[name] = value;
                }
            }

            string? secretsFile = null;
            if (environment.Variable(DevComponents.SecretsFileVariable) is null && variables.GetValueOrDefault(PgConnectionVariable) is { Length: > 0 } postgres)
            {
                secretsFile = PlatformSecrets.Write(dataDirectory, postgres);
                variables[DevComponents.SecretsFileVariable] = secretsFile;
                reporter.Info($"Development secrets (connection strings, token signing key, admin account) in {secretsFile}");
            }

            reporter.Info($"Using the components in {DevComponents.ServersDirectory(repo)}");
            Task? watching = null;
            var result = await RunCommand.RunFileAsync(
                runFile,
                RunDefaults.WithResources(DevComponents.ServersDirectory(repo), environment),
                environment with { Variables = variables },
                reporter,
                signal,
                apps => watching = WatchAsync(new ReadinessWatcher(reporter, apps, secretsFile), signal.Token));
            if (watching is not null)
            {
                await watching;
            }

            return result;
        }
        finally
        {
            if (infrastructure is not null)
            {
                await infrastructure.StopAsync();
            }
        }
    }

    private static bool HasServers(CliEnvironment environment) =>
        environment.Variable(DevComponents.RedisHostVariable) is not null
        && environment.Variable(DevComponents.AmqpUriVariable) is not null
        && environment.Variable(PgConnectionVariable) is not null;

    private static void Wipe(Reporter reporter, string dataDirectory, string infraDirectory)
    {
        if (Directory.Exists(infraDirectory))
        {
            Directory.Delete(infraDirectory, recursive: true);
        }

        var secrets = Path.Combine(dataDirectory, PlatformSecrets.FileName);
        if (File.Exists(secrets))
        {
            File.Delete(secrets);
        }

        reporter.Info($"--fresh: wiped the servers' data in {infraDirectory} and the generated secrets");
    }

    private static async Task WatchAsync(ReadinessWatcher watcher, CancellationToken cancellationToken)
    {
        try
        {
            await watcher.WatchAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // up is stopping.
        }
    }
}
