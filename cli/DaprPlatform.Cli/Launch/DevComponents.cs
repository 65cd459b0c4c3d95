namespace DaprPlatform.Cli.Launch;

/// <summary>
/// The repository's component sets (components/ and components/embedded/) and the environment variables their
/// YAML reads through envRef. Every sidecar the CLI starts gets these defaults unless the caller set them.
/// </summary>
internal static class DevComponents
{
    /// <summary>secretstores.local.file's secretsFile (components/secretstore.yaml, components/embedded/secretstore.yaml).</summary>
    public const string SecretsFileVariable = "DAPRPLATFORM_SECRETS_FILE";

    /// <summary>state.redis redisHost (components/statestore.yaml); infra/start.sh writes the same name.</summary>
    public const string RedisHostVariable = "DAPRPLATFORM_REDIS_HOST";

    /// <summary>pubsub.rabbitmq connectionString (components/pubsub.yaml); infra/start.sh writes the same name.</summary>
    public const string AmqpUriVariable = "DAPRPLATFORM_AMQP_URI";

    /// <summary>Where a Redis and a RabbitMQ installed the usual way listen.</summary>
    public const string DefaultRedisHost = "localhost:6379";

    public const string DefaultAmqpUri = "amqp://guest:guest@localhost:5672";

    public static string ServersDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, "components");

    public static string EmbeddedDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, "components", "embedded");

    public static string SecretsFile(string repositoryRoot) => Path.Combine(repositoryRoot, "components", "secrets.dev.json");

    public static IReadOnlyDictionary<string, string> SidecarDefaults(string? repositoryRoot)
    {
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RedisHostVariable] = DefaultRedisHost,
            [AmqpUriVariable] = DefaultAmqpUri,
        };
        if (repositoryRoot is not null)
        {
            defaults[SecretsFileVariable] = SecretsFile(repositoryRoot);
        }

        return defaults;
    }
}
