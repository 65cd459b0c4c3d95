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
        _resources
            .AddInMemoryStateStore(InMemory)
            .AddRedisStateStore(infra.RedisHost, Redis)
            .AddPostgresStateStore(database, Postgres)
            // v1 and v2 would both call their table "state"; a prefix keeps them apart in the one database.
            .AddComponent(PostgresV2, "state.postgresql", new Dictionary<string, string> { ["connectionString"] = database, ["tablePrefix"] = "v2_" }, version: "v2")
            .AddRedisStateStore(infra.RedisHost, RedisByName, extraMetadata: new Dictionary<string, string> { ["keyPrefix"] = "name" })
            .AddRedisStateStore(infra.RedisHost, RedisNoPrefix, extraMetadata: new Dictionary<string, string> { ["keyPrefix"] = "none" })
            .AddRedisStateStore(infra.RedisHost, RedisLiteralPrefix, extraMetadata: new Dictionary<string, string> { ["keyPrefix"] = LiteralPrefix });
        _sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = AppId, ResourcesPaths = [_resources.Path] });
        _redis = await ConnectionMultiplexer.ConnectAsync(infra.RedisHost);
    }

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
