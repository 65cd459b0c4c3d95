using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.Processes;
using DaprPlatform.Cli.Supervision;

namespace DaprPlatform.Cli.Infra;

/// <summary>
/// Redis, RabbitMQ and PostgreSQL as plain local processes for `up`, installed when missing (infra/install.sh servers),
/// started and stopped with the repository's infra/start.sh and stop.sh (which write and read &lt;dir&gt;/infra.env). Their data stays in the directory from one
/// run to the next (INFRA_KEEP_DATA=1); `up --fresh` deletes it.
/// </summary>
internal sealed class LocalInfrastructure(string repositoryRoot, string directory, Reporter reporter, CliEnvironment environment)
{
    private const int AlreadyRunningExitCode = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    // apt-get update and install of the three servers on a fresh machine.
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    public string Directory { get; } = directory;

    /// <summary>Starts the servers and returns the DAPRPLATFORM_* variables of infra.env (addresses, connection strings).</summary>
    /// <exception cref="LaunchException">A server did not start; start.sh has stopped the others again.</exception>
    /// <exception cref="OperationCanceledException">A signal arrived; whatever started is stopped again.</exception>
    public async Task<IReadOnlyDictionary<string, string>> StartAsync(ShutdownSignal signal)
    {
        System.IO.Directory.CreateDirectory(Directory);
        // Quiet and quick when the servers are installed; as root with apt it installs the missing ones.
        var installed = await RunScriptAsync("install.sh", ["servers"], InstallTimeout, signal);
        if (installed != 0)
        {
            throw new LaunchException($"infra/install.sh servers failed with exit code {installed}");
        }

        reporter.Info($"Starting Redis, RabbitMQ and PostgreSQL in {Directory} (infra/start.sh)");
        var exitCode = await RunScriptAsync("start.sh", [Directory], StartTimeout, signal);
        if (exitCode == AlreadyRunningExitCode)
        {
            // Left over from an earlier `up --infra` that did not get to stop them.
            reporter.Warning("Servers from an earlier run are still running there; restarting them");
            await StopAsync();
            exitCode = await RunScriptAsync("start.sh", [Directory], StartTimeout, signal);
        }

        if (exitCode != 0)
        {
            throw new LaunchException($"infra/start.sh {Directory} failed with exit code {exitCode}");
        }

        var variables = InfraEnvFile.Read(Path.Combine(Directory, "infra.env"));
        reporter.Info($"Infrastructure is up: Redis {variables.GetValueOrDefault("DAPRPLATFORM_REDIS_HOST")}, " +
                      $"RabbitMQ port {variables.GetValueOrDefault("DAPRPLATFORM_AMQP_PORT")}, PostgreSQL port {variables.GetValueOrDefault("DAPRPLATFORM_PG_PORT")}");
        return variables;
    }

    public async Task StopAsync()
    {
        reporter.Info("Stopping Redis, RabbitMQ and PostgreSQL (infra/stop.sh)");
        var exitCode = await RunScriptAsync("stop.sh", [Directory], StopTimeout, signal: null);
        if (exitCode == 0)
        {
            reporter.Success("Infrastructure stopped");
        }
        else
        {
            reporter.Failure($"infra/stop.sh {Directory} failed with exit code {exitCode}; check for leftover servers");
        }
    }

    private async Task<int> RunScriptAsync(string script, string[] arguments, TimeSpan timeout, ShutdownSignal? signal)
    {
        var path = Path.Combine(repositoryRoot, "infra", script);
        if (!File.Exists(path))
        {
            throw new LaunchException($"{path} is missing");
        }

        var variables = new Dictionary<string, string>(environment.Variables, StringComparer.Ordinal) { ["INFRA_KEEP_DATA"] = "1" };
        await using var process = ChildProcess.Start(
            "bash", [path, .. arguments], repositoryRoot, variables,
            line => reporter.Line("== INFRA == " + line), line => reporter.Line("== INFRA == " + line));
        var waitFor = new List<Task> { process.Exited, Task.Delay(timeout) };
        if (signal is not null)
        {
            waitFor.Add(signal.Requested);
        }

        if (await Task.WhenAny(waitFor) != process.Exited)
        {
            // start.sh stops what it started when it gets SIGTERM.
            await process.StopAsync(StopTimeout);
            if (signal?.Requested.IsCompleted == true)
            {
                throw new OperationCanceledException("shutdown requested while the infrastructure was starting");
            }

            throw new LaunchException($"infra/{script} did not finish within {timeout.TotalSeconds:0} s");
        }

        await process.DrainOutputAsync();
        return await process.Exited;
    }
}
