using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace DaprPlatform.Testing;

/// <summary>
/// A temporary resources folder (--resources-path) that a test fills with the components it needs, e.g. a
/// Redis state store and a RabbitMQ pub/sub pointing at the <see cref="InfraFixture"/>'s servers. Deleted on dispose.
/// </summary>
public sealed class ResourcesDirectory : IDisposable
{
    private readonly string _root;

    public ResourcesDirectory()
    {
        _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"daprplatform-resources-{Guid.NewGuid():N}");
        Path = System.IO.Path.Combine(_root, "resources");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder to pass as --resources-path.</summary>
    public string Path { get; }

    /// <summary>Writes a Component (apiVersion dapr.io/v1alpha1) as &lt;name&gt;.yaml.</summary>
    public ResourcesDirectory AddComponent(
        string name,
        string type,
        IReadOnlyDictionary<string, string>? metadata = null,
        string version = "v1",
        IReadOnlyList<string>? scopes = null)
    {
        var yaml = StartResource("dapr.io/v1alpha1", "Component", name)
            .AppendLine($"  type: {Scalar(type)}")
            .AppendLine($"  version: {Scalar(version)}");
        if (metadata is { Count: > 0 })
        {
            yaml.AppendLine("  metadata:");
            foreach (var (key, value) in metadata)
            {
                yaml.AppendLine($"  - name: {Scalar(key)}")
                    .AppendLine($"    value: {Scalar(value)}");
            }
        }

        AppendScopes(yaml, scopes);
        return AddFile($"{name}.yaml", yaml.ToString());
    }

    /// <summary>state.redis at <paramref name="redisHost"/> (host:port, e.g. <see cref="InfraFixture.RedisHost"/>).</summary>
    public ResourcesDirectory AddRedisStateStore(
        string redisHost,
        string name = "statestore",
        bool actorStateStore = false,
        IReadOnlyDictionary<string, string>? extraMetadata = null,
        IReadOnlyList<string>? scopes = null)
    {
        var metadata = new Dictionary<string, string> { ["redisHost"] = redisHost, ["redisPassword"] = "" };
        if (actorStateStore)
        {
            metadata["actorStateStore"] = "true";
        }

        return AddComponent(name, "state.redis", Merge(metadata, extraMetadata), scopes: scopes);
    }

    /// <summary>state.postgresql (v1) with <paramref name="connectionString"/>, e.g. from <see cref="InfraFixture.CreateDatabaseAsync"/>.</summary>
    public ResourcesDirectory AddPostgresStateStore(
        string connectionString,
        string name = "statestore",
        IReadOnlyDictionary<string, string>? extraMetadata = null,
        IReadOnlyList<string>? scopes = null) =>
        AddComponent(name, "state.postgresql", Merge(new() { ["connectionString"] = connectionString }, extraMetadata), scopes: scopes);

    /// <summary>pubsub.rabbitmq with <paramref name="connectionString"/> (e.g. <see cref="InfraFixture.AmqpUri"/>).</summary>
    public ResourcesDirectory AddRabbitMqPubSub(
        string connectionString,
        string name = "pubsub",
        IReadOnlyDictionary<string, string>? extraMetadata = null,
        IReadOnlyList<string>? scopes = null) =>
        AddComponent(name, "pubsub.rabbitmq", Merge(new() { ["connectionString"] = connectionString }, extraMetadata), scopes: scopes);

    public ResourcesDirectory AddInMemoryStateStore(string name = "statestore", IReadOnlyList<string>? scopes = null) =>
        AddComponent(name, "state.in-memory", scopes: scopes);

    public ResourcesDirectory AddInMemoryPubSub(string name = "pubsub", IReadOnlyList<string>? scopes = null) =>
        AddComponent(name, "pubsub.in-memory", scopes: scopes);

    /// <summary>secretstores.local.file reading a JSON file (written next to, not inside, the resources folder).</summary>
    public ResourcesDirectory AddLocalFileSecretStore(
        IReadOnlyDictionary<string, string> secrets,
        string name = "secretstore",
        IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var secretsFile = System.IO.Path.Combine(_root, $"{name}-secrets.json");
        using (var stream = File.Create(secretsFile))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in secrets)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return AddComponent(name, "secretstores.local.file", Merge(new() { ["secretsFile"] = secretsFile }, extraMetadata));
    }

    /// <summary>A declarative Subscription (apiVersion dapr.io/v2alpha1) delivering <paramref name="topic"/> to <paramref name="route"/>.</summary>
    public ResourcesDirectory AddSubscription(
        string name,
        string pubsubName,
        string topic,
        string route,
        string? deadLetterTopic = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyList<string>? scopes = null)
    {
        var yaml = StartResource("dapr.io/v2alpha1", "Subscription", name)
            .AppendLine($"  pubsubname: {Scalar(pubsubName)}")
            .AppendLine($"  topic: {Scalar(topic)}")
            .AppendLine("  routes:")
            .AppendLine($"    default: {Scalar(route)}");
        if (deadLetterTopic is not null)
        {
            yaml.AppendLine($"  deadLetterTopic: {Scalar(deadLetterTopic)}");
        }

        if (metadata is { Count: > 0 })
        {
            yaml.AppendLine("  metadata:");
            foreach (var (key, value) in metadata)
            {
                yaml.AppendLine($"    {Scalar(key)}: {Scalar(value)}");
            }
        }

        AppendScopes(yaml, scopes);
        return AddFile($"{name}.yaml", yaml.ToString());
    }

    /// <summary>Any other resource (Resiliency, HTTPEndpoint, a malformed file for a negative test...) written verbatim.</summary>
    public ResourcesDirectory AddFile(string fileName, string content)
    {
        File.WriteAllText(System.IO.Path.Combine(Path, fileName), content);
        return this;
    }

    /// <summary>Writes a Configuration file outside the resources folder and returns its path, for --config.</summary>
    public string WriteConfiguration(string yaml, string fileName = "config.yaml")
    {
        var path = System.IO.Path.Combine(_root, fileName);
        File.WriteAllText(path, yaml);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    // Every value as a double-quoted scalar: JSON string escapes are valid YAML, so no value can break the document.
    private static string Scalar(string value) =>
        "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";

    private static StringBuilder StartResource(string apiVersion, string kind, string name) =>
        new StringBuilder()
            .AppendLine($"apiVersion: {apiVersion}")
            .AppendLine($"kind: {kind}")
            .AppendLine("metadata:")
            .AppendLine($"  name: {Scalar(name)}")
            .AppendLine("spec:");

    private static void AppendScopes(StringBuilder yaml, IReadOnlyList<string>? scopes)
    {
        if (scopes is { Count: > 0 })
        {
            yaml.AppendLine("scopes:");
            foreach (var scope in scopes)
            {
                yaml.AppendLine($"- {Scalar(scope)}");
            }
        }
    }

    private static Dictionary<string, string> Merge(Dictionary<string, string> metadata, IReadOnlyDictionary<string, string>? extra)
    {
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            metadata[key] = value;
        }

        return metadata;
    }
}
