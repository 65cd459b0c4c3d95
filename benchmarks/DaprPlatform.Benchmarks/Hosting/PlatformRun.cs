using System.Globalization;
using System.Text.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// The whole platform as users run it and as the end-to-end tests start it: `./dapr-dev up -f` on a copy of the
/// repository's dapr.yaml with free ports, on the run's servers, with its own data folder (generated secrets) and
/// dev home. <paramref name="settings"/> reach every service as environment (configuration keys such as
/// Ordering__ApprovalThreshold).
/// </summary>
public sealed class PlatformRun : IAsyncDisposable
{
    // The first start builds every service (one after another, under run.sh's build lock).
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private readonly ManagedProcess _cli;
    private readonly string _directory;

    private PlatformRun(ManagedProcess cli, string directory, Uri gatewayUrl, IReadOnlyDictionary<string, string> connectionStrings)
    {
        _cli = cli;
        _directory = directory;
        GatewayUrl = gatewayUrl;
        ConnectionStrings = connectionStrings;
    }

    public Uri GatewayUrl { get; }

    /// <summary>The services' databases by connection string name (orderingdb, catalogdb, ...), from the generated secrets.</summary>
    public IReadOnlyDictionary<string, string> ConnectionStrings { get; }

    public int Pid => _cli.Id;

    public string Output => _cli.Output;

    public static async Task<PlatformRun> StartAsync(
        BenchmarkEnvironment environment, IReadOnlyDictionary<string, string> settings, TextWriter log, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(environment.WorkDirectory, "platform");
        Directory.CreateDirectory(directory);
        var (runFile, ports) = PlatformRunFile.Rewrite(
            await File.ReadAllTextAsync(RepositoryRoot.Combine("dapr.yaml"), cancellationToken), RepositoryRoot.Path, FreePort.Get, appLogsToFilesOnly: true);
        var runFilePath = Path.Combine(directory, "dapr.yaml");
        await File.WriteAllTextAsync(runFilePath, runFile, cancellationToken);

        var infrastructure = environment.Infrastructure;
        var variables = new Dictionary<string, string?>(environment.ProcessEnvironment())
        {
            ["DAPRPLATFORM_REDIS_HOST"] = infrastructure.RedisHost,
            ["DAPRPLATFORM_AMQP_URI"] = infrastructure.AmqpUri,
            // up names each service's database itself (ordering, catalog, ...): a fresh server has none of them.
            ["DAPRPLATFORM_PG_CONNECTION"] = string.Join(';', infrastructure.PgConnectionString.Split(';')
                .Where(part => !part.StartsWith("Database=", StringComparison.OrdinalIgnoreCase))),
            ["DAPRPLATFORM_SECRETS_FILE"] = null,
            ["DAPR_DEV_DATA_DIR"] = directory,
            ["DAPR_DEV_HOME"] = Path.Combine(directory, "home"),
        };
        foreach (var (name, value) in settings)
        {
            variables[name] = value;
        }

        log.WriteLine($"  ./dapr-dev up -f {runFilePath} (gateway on port {ports["gateway"]}; the first start builds the services)");
        var cli = ManagedProcess.Start("bash", [RepositoryRoot.Combine("dapr-dev"), "up", "-f", runFilePath], variables, RepositoryRoot.Path);
        try
        {
            await cli.WaitForOutputAsync(line => line.Contains("DaprPlatform is up", StringComparison.Ordinal), StartTimeout, cancellationToken);
            using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "secrets.json"), cancellationToken));
            var connectionStrings = secrets.RootElement.GetProperty("ConnectionStrings").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            return new PlatformRun(cli, directory, new Uri($"http://127.0.0.1:{ports["gateway"].ToString(CultureInfo.InvariantCulture)}"), connectionStrings);
        }
        catch
        {
            log.WriteLine(cli.Describe());
            await cli.DisposeAsync();
            throw;
        }
    }

    /// <summary>The sidecars and services running now.</summary>
    public IReadOnlyList<PlatformProcess> Processes() => PlatformProcesses.Find(_cli.Id);

    public async ValueTask DisposeAsync()
    {
        await _cli.StopAsync(StopGrace);
        await _cli.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Logs of a process still closing; the run's work folder goes with it.
        }
    }
}
