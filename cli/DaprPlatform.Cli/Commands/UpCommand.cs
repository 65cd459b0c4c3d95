using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Infra;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.RunFile;
using DaprPlatform.Cli.Supervision;

namespace DaprPlatform.Cli.Commands;

/// <summary>
/// `dapr-dev up [-f dapr.yaml] [--infra]`: the run file on a component set the CLI picks, with nothing to install.
/// Without --infra: components/embedded (in-memory state and pub/sub, local file secrets). With --infra: local
/// Redis, RabbitMQ and PostgreSQL processes (infra/start.sh, state in .dapr-dev/infra) and the repository's
/// components/ set (state.redis, pubsub.rabbitmq, local file secrets), whose addresses reach the sidecars and apps
/// through the DAPRPLATFORM_* variables of infra.env; the servers are stopped when `up` ends. Apps that name their
/// own resources in the run file keep them (the selected set replaces only the ~/.dapr/components default).
/// </summary>
internal static class UpCommand
{
    /// <summary>Where `up --infra` keeps the servers' data and logs (default &lt;repo&gt;/.dapr-dev/infra).</summary>
    public const string InfraDirectoryVariable = "DAPR_DEV_INFRA_DIR";

    public static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("run-file", 'f', FlagKind.String, "Path to the run template file or its directory", "./dapr.yaml, else the repository's dapr.yaml"),
        new("infra", null, FlagKind.Bool, "Start local Redis, RabbitMQ and PostgreSQL and use components/ instead of components/embedded"),
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
        if (!parsed.Bool("infra"))
        {
            reporter.Info($"Using the embedded components in {DevComponents.EmbeddedDirectory(repo)}");
            return await RunCommand.RunFileAsync(runFile, RunDefaults.WithResources(DevComponents.EmbeddedDirectory(repo), environment), environment, reporter, signal);
        }

        var infraDirectory = environment.Variable(InfraDirectoryVariable) is { } configured
            ? environment.ResolvePath(configured)
            : Path.Combine(repo, ".dapr-dev", "infra");
        var infrastructure = new LocalInfrastructure(repo, infraDirectory, reporter, environment);
        try
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
            var variables = new Dictionary<string, string>(environment.Variables, StringComparer.Ordinal);
            foreach (var (name, value) in servers)
            {
                variables[name] = value;
            }

            reporter.Info($"Using the components in {DevComponents.ServersDirectory(repo)}");
            return await RunCommand.RunFileAsync(
                runFile,
                RunDefaults.WithResources(DevComponents.ServersDirectory(repo), environment),
                environment with { Variables = variables },
                reporter,
                signal);
        }
        finally
        {
            await infrastructure.StopAsync();
        }
    }
}
