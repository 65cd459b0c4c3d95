using DaprPlatform.Testing;
using StackExchange.Redis;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>
/// One real sidecar process for the state API tests, with an in-memory, a Redis and PostgreSQL v1 and v2 stores, and Redis
/// stores for each keyPrefix strategy; plus a raw Redis connection to look at what the sidecar stored.
/// </summary>
public sealed class StateApiSidecar(InfraFixture infra) : IAsyncLifetime
{
    public const string InMemory = "memstore";
    public const string Redis = "redisstore";
    public const string Postgres = "pgstore";
    public const string PostgresV2 = "pgv2store";
    public const string RedisByName = "redis-byname";
    public const string RedisNoPrefix = "redis-noprefix";
    public const string RedisLiteralPrefix = "redis-literal";

    /// <summary>The literal keyPrefix as written in the component; daprd lowercases it.</summary>
    public const string LiteralPrefix = "SharedPrefix";

    private readonly ResourcesDirectory _resources = new();
    private SidecarProcess? _sidecar;
    private ConnectionMultiplexer? _redis;

    public SidecarProcess Sidecar => _sidecar ?? throw new InvalidOperationException("not started");

    public HttpClient Http => Sidecar.HttpClient;

    public string AppId { get; } = infra.UniqueName("stateapi");

    public IDatabase RawRedis => (_redis ?? throw new InvalidOperationException("not started")).GetDatabase();

    public InfraFixture Infra => infra;

    public async ValueTask InitializeAsync()
    {
        var database = await infra.CreateDatabaseAsync("state_api");
        AddStore(InMemory, "state.in-memory", "v1", []);
        AddStore(Redis, "state.redis", "v1", [("redisHost", infra.RedisHost)]);
        AddStore(Postgres, "state.postgresql", "v1", [("connectionString", database)]);
        // v1 and v2 would both call their table "state"; a prefix keeps them apart in the one database.
        AddStore(PostgresV2, "state.postgresql", "v2", [("connectionString", database), ("tablePrefix", "v2_")]);
        AddStore(RedisByName, "state.redis", "v1", [("redisHost", infra.RedisHost), ("keyPrefix", "name")]);
        AddStore(RedisNoPrefix, "state.redis", "v1", [("redisHost", infra.RedisHost), ("keyPrefix", "none")]);
        AddStore(RedisLiteralPrefix, "state.redis", "v1", [("redisHost", infra.RedisHost), ("keyPrefix", LiteralPrefix)]);
        _sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = AppId, ResourcesPaths = [_resources.Path], StartupTimeout = TimeSpan.FromSeconds(90) });
        _redis = await ConnectionMultiplexer.ConnectAsync(infra.RedisHost);
    }

    /// <summary>
    /// A component with a generous initTimeout: on a busy 2-core machine (servers booting, other builds) daprd's
    /// default 5 s can run out during PostgreSQL's migrations, and the sidecar would rightly refuse to start.
    /// </summary>
    private void AddStore(string name, string type, string version, (string Name, string Value)[] metadata)
    {
        var yaml = new System.Text.StringBuilder()
            .AppendLine("apiVersion: dapr.io/v1alpha1")
            .AppendLine("kind: Component")
            .AppendLine($"metadata: {{ name: {Quote(name)} }}")
            .AppendLine("spec:")
            .AppendLine($"  type: {type}")
            .AppendLine($"  version: {version}")
            .AppendLine("  initTimeout: 60s")
            .AppendLine(metadata.Length == 0 ? "  metadata: []" : "  metadata:");
        foreach (var (key, value) in metadata)
        {
            yaml.AppendLine($"  - {{ name: {Quote(key)}, value: {Quote(value)} }}");
        }

        _resources.AddFile($"{name}.yaml", yaml.ToString());
    }

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    public async ValueTask DisposeAsync()
    {
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
