using System.Text;
using Npgsql;
using Xunit;

namespace DaprPlatform.Testing;

/// <summary>
/// Real Redis, PostgreSQL and RabbitMQ for a test assembly: <c>[assembly: AssemblyFixture(typeof(InfraFixture))]</c>.
/// When the DAPRPLATFORM_* variables are set (./test.sh starts the servers once for the whole run) it uses those;
/// otherwise it starts its own with infra/start.sh the first time a test asks for a server, and stops them on
/// dispose: `dotnet test` works on a single project, and a run of tests that need no server starts none.
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    // RabbitMQ alone may take up to 60 s on a noisy VM; start.sh bounds each wait itself.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private const int MaxDatabaseNameLength = 63;

    private readonly Lazy<Infrastructure> _infrastructure;
    private string? _ownedDirectory;

    public InfraFixture()
    {
        // Blocking once, on the first test that needs a server, keeps every property below a plain value for the
        // hundreds of tests that read them.
        _infrastructure = new Lazy<Infrastructure>(
            () => Infrastructure.FromEnvironment() ?? StartOwnServersAsync().GetAwaiter().GetResult(),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Infrastructure Infrastructure => _infrastructure.Value;

    /// <summary>host:port of Redis, e.g. "127.0.0.1:26208".</summary>
    public string RedisHost => Infrastructure.RedisHost;

    public int RedisPort => Infrastructure.RedisPort;

    /// <summary>Npgsql connection string to the server's "postgres" database as superuser postgres/postgres.</summary>
    public string PgConnectionString => Infrastructure.PgConnectionString;

    public int PgPort => Infrastructure.PgPort;

    /// <summary>amqp://guest:guest@127.0.0.1:PORT</summary>
    public string AmqpUri => Infrastructure.AmqpUri;

    public int AmqpPort => Infrastructure.AmqpPort;

    /// <summary>True when this fixture started the servers itself (and stops them on dispose).</summary>
    public bool OwnsServers => _ownedDirectory is not null;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_ownedDirectory is null)
        {
            return;
        }

        // Pooled connections would otherwise see the server vanish under them.
        NpgsqlConnection.ClearAllPools();
        var directory = _ownedDirectory;
        _ownedDirectory = null;
        await RunScriptAsync("stop.sh", [directory, "--clean"], StopTimeout);
    }

    private async Task<Infrastructure> StartOwnServersAsync()
    {
        // Under the temp dir, not the checkout: PostgreSQL runs as the 'postgres' user, who must reach the directory.
        var directory = Path.Combine(Path.GetTempPath(), $"daprplatform-infra-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        // On failure start.sh has already stopped what it started; the directory keeps the server logs.
        await RunScriptAsync("start.sh", [directory], StartTimeout);
        _ownedDirectory = directory;
        return Infrastructure.FromEnvFile(Path.Combine(directory, "infra.env"));
    }

    /// <summary>
    /// Creates an empty PostgreSQL database of its own (for one test class) and returns a connection string to it.
    /// The database is named after <paramref name="name"/> plus a unique suffix, because the server is shared
    /// by every test project of the run.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        var database = UniqueDatabaseName(name);
        await using (var connection = new NpgsqlConnection(PgConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(PgConnectionString) { Database = database }.ConnectionString;
    }

    /// <summary>
    /// A name no other test uses, for Redis key prefixes, RabbitMQ exchanges/queues, app ids:
    /// "<paramref name="prefix"/>-" followed by 12 hex digits.
    /// </summary>
    public string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static string UniqueDatabaseName(string name)
    {
        var sanitized = new StringBuilder(name.Length);
        foreach (var c in name.ToLowerInvariant())
        {
            sanitized.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        if (sanitized.Length == 0 || char.IsAsciiDigit(sanitized[0]))
        {
            sanitized.Insert(0, "db_");
        }

        var suffix = "_" + Guid.NewGuid().ToString("N")[..12];
        var prefix = sanitized.ToString();
        return prefix[..Math.Min(prefix.Length, MaxDatabaseNameLength - suffix.Length)] + suffix;
    }

    private static string ScriptPath(string script) => RepositoryRoot.Combine("infra", script);

    private static async Task RunScriptAsync(string script, string[] arguments, TimeSpan timeout)
    {
        var path = ScriptPath(script);
        await using var process = ManagedProcess.Start("bash", [path, .. arguments]);
        var exitCode = await process.WaitForExitAsync(timeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"infra/{script} {string.Join(' ', arguments)} failed with exit code {exitCode}.\n{process.Describe()}");
        }
    }
}
