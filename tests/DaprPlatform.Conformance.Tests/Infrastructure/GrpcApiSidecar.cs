using StackExchange.Redis;

namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>
/// One sidecar for the gRPC runtime API tests, driven by the official Dapr.Client: a Redis and an in-memory state
/// store, an in-memory pub/sub, a file secret store with scopes, and an API token the client must present.
/// </summary>
public sealed class GrpcApiSidecar(InfraFixture infra) : IAsyncLifetime
{
    public const string Redis = "redisstore";
    public const string InMemory = "memstore";
    public const string PubSubName = "pubsub";
    public const string Secrets = "secretstore";
    public const string ApiToken = "grpc-api-token";

    private readonly ResourcesDirectory _resources = new();
    private SidecarProcess? _sidecar;
    private ConnectionMultiplexer? _redis;

    public SidecarProcess Sidecar => _sidecar ?? throw new InvalidOperationException("not started");

    public DaprClient Client { get; private set; } = null!;

    public string AppId { get; } = infra.UniqueName("grpcapi");

    public IDatabase RawRedis => (_redis ?? throw new InvalidOperationException("not started")).GetDatabase();

    public InfraFixture Infra => infra;

    public async ValueTask InitializeAsync()
    {
        _resources.AddRedisStateStore(infra.RedisHost, name: Redis);
        _resources.AddInMemoryStateStore(InMemory);
        _resources.AddInMemoryPubSub(PubSubName);
        _resources.AddLocalFileSecretStore(new Dictionary<string, string> { ["apiKey"] = "k-123", ["dbPassword"] = "hidden" }, Secrets);
        var config = _resources.WriteConfiguration($"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: grpc-api
            spec:
              secrets:
                scopes:
                - storeName: {Secrets}
                  defaultAccess: allow
                  deniedSecrets: ["dbPassword"]
            """);
        _sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = AppId, ResourcesPaths = [_resources.Path], ConfigPath = config, ApiToken = ApiToken },
            TestContext.Current.CancellationToken);
        Client = NewClient(ApiToken);
        _redis = await ConnectionMultiplexer.ConnectAsync(infra.RedisHost);
    }

    /// <summary>A client as an app builds it, pointed at this sidecar's ports.</summary>
    public DaprClient NewClient(string? apiToken) => new DaprClientBuilder()
        .UseGrpcEndpoint($"http://127.0.0.1:{Sidecar.GrpcPort}")
        .UseHttpEndpoint($"http://127.0.0.1:{Sidecar.HttpPort}")
        .UseDaprApiToken(apiToken)
        .Build();

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_redis is not null)
        {
            await _redis.CloseAsync(allowCommandsToComplete: false);
            _redis.Dispose();
        }

        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        _resources.Dispose();
    }
}
