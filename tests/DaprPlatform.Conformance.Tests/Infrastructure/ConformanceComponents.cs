namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>
/// The components the invocation and pub/sub tests run against, as an app would declare them: Redis state, in-memory
/// state, RabbitMQ pub/sub (with a quick inbound retry policy) and local file secrets.
/// </summary>
public static class ConformanceComponents
{
    public const string RedisStore = "statestore";
    public const string MemoryStore = "memstore";
    public const string PubSub = "pubsub";
    public const string SecretStore = "secretstore";

    /// <summary>Inbound deliveries are tried 1 + this many times before daprd gives up (dead letter or nack).</summary>
    public const int InboundRetries = 2;

    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["apiKey"] = "k-123",
        ["ConnectionStrings__Orders"] = "Host=orders-db;Password=p@ss",
    };

    public static ResourcesDirectory Create(InfraFixture infra) =>
        new ResourcesDirectory()
            .AddRedisStateStore(infra.RedisHost, RedisStore)
            .AddInMemoryStateStore(MemoryStore)
            .AddRabbitMqPubSub(infra.AmqpUri, PubSub)
            .AddLocalFileSecretStore(Secrets, SecretStore)
            .AddFile("resiliency.yaml", $"""
                apiVersion: dapr.io/v1alpha1
                kind: Resiliency
                metadata:
                  name: conformance
                spec:
                  policies:
                    retries:
                      quick:
                        policy: constant
                        duration: 50ms
                        maxRetries: {InboundRetries}
                  targets:
                    components:
                      {PubSub}:
                        inbound:
                          retry: quick
                """);

    /// <summary>A DaprClient as an app builds it, pointed at <paramref name="sidecar"/>'s HTTP and gRPC ports.</summary>
    public static DaprClient ClientFor(SidecarProcess sidecar) => new DaprClientBuilder()
        .UseHttpEndpoint($"http://127.0.0.1:{sidecar.HttpPort}")
        .UseGrpcEndpoint($"http://127.0.0.1:{sidecar.GrpcPort}")
        .Build();
}
