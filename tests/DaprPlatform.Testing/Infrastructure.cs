using DaprPlatform.Cli.Infra;

namespace DaprPlatform.Testing;

/// <summary>
/// Where the real Redis, PostgreSQL and RabbitMQ of a test run listen. Read from the DAPRPLATFORM_* variables
/// that infra/start.sh writes to infra.env (./test.sh exports them for the whole run).
/// </summary>
public sealed record Infrastructure(
    string RedisHost,
    int RedisPort,
    string PgConnectionString,
    int PgPort,
    string AmqpUri,
    int AmqpPort)
{
    /// <summary>host:port, e.g. 127.0.0.1:26208 (the form of a state.redis component's redisHost).</summary>
    public const string RedisHostVariable = "DAPRPLATFORM_REDIS_HOST";
    public const string RedisPortVariable = "DAPRPLATFORM_REDIS_PORT";

    /// <summary>Npgsql keyword form: Host=127.0.0.1;Port=..;Username=postgres;Password=postgres;Database=postgres.</summary>
    public const string PgConnectionVariable = "DAPRPLATFORM_PG_CONNECTION";
    public const string PgPortVariable = "DAPRPLATFORM_PG_PORT";

    /// <summary>amqp://guest:guest@127.0.0.1:PORT</summary>
    public const string AmqpUriVariable = "DAPRPLATFORM_AMQP_URI";
    public const string AmqpPortVariable = "DAPRPLATFORM_AMQP_PORT";

    private static readonly string[] RequiredVariables = [RedisHostVariable, PgConnectionVariable, AmqpUriVariable];

    /// <summary>The servers named by this process's environment, or null when none are named.</summary>
    public static Infrastructure? FromEnvironment() =>
        FromVariables(Environment.GetEnvironmentVariable, "the environment");

    /// <summary>Reads an infra.env file written by infra/start.sh.</summary>
    public static Infrastructure FromEnvFile(string path)
    {
        var variables = InfraEnvFile.Read(path);
        return FromVariables(name => variables.GetValueOrDefault(name), path)
            ?? throw new InvalidOperationException($"{path} names none of {string.Join(", ", RequiredVariables)}.");
    }

    /// <summary>The DAPRPLATFORM_* variables, e.g. to hand these servers to a child process.</summary>
    public IReadOnlyDictionary<string, string?> ToEnvironment() => new Dictionary<string, string?>
    {
        [RedisHostVariable] = RedisHost,
        [RedisPortVariable] = RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [PgConnectionVariable] = PgConnectionString,
        [PgPortVariable] = PgPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [AmqpUriVariable] = AmqpUri,
        [AmqpPortVariable] = AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Infrastructure? FromVariables(Func<string, string?> lookup, string source)
    {
        var present = RequiredVariables.Where(name => !string.IsNullOrWhiteSpace(lookup(name))).ToList();
        if (present.Count == 0)
        {
            return null;
        }

        if (present.Count != RequiredVariables.Length)
        {
            var missing = RequiredVariables.Except(present);
            throw new InvalidOperationException(
                $"{source} sets {string.Join(", ", present)} but not {string.Join(", ", missing)}; set all of them (source an infra.env) or none.");
        }

        var redisHost = lookup(RedisHostVariable)!;
        var pgConnection = lookup(PgConnectionVariable)!;
        var amqpUri = lookup(AmqpUriVariable)!;
        return new Infrastructure(
            redisHost,
            PortOf(lookup(RedisPortVariable), () => int.Parse(redisHost[(redisHost.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture)),
            pgConnection,
            PortOf(lookup(PgPortVariable), () => new Npgsql.NpgsqlConnectionStringBuilder(pgConnection).Port),
            amqpUri,
            PortOf(lookup(AmqpPortVariable), () => new Uri(amqpUri).Port));
    }

    private static int PortOf(string? explicitPort, Func<int> derive) =>
        int.TryParse(explicitPort, System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : derive();
}
