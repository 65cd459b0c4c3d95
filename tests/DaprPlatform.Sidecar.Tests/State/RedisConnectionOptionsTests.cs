using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Components.State.Redis;
using StackExchange.Redis;
using Xunit;
using static DaprPlatform.Sidecar.Tests.State.StateComponents;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>
/// state.redis connection metadata against redis-servers of the tests' own: a password, TLS with server and
/// client certificates, and a replica for strong consistency (WAIT).
/// </summary>
public sealed class RedisConnectionOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Redis_password_authenticates_against_requirepass()
    {
        await using var redis = await DedicatedRedis.StartAsync(["--requirepass", "s3cret"]);

        await using (var store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis",
            new Dictionary<string, string> { ["redisHost"] = redis.Host, ["redisPassword"] = "s3cret", ["redisUsername"] = "default" }))
        {
            Assert.Equal("1", await store.SetAsync(Set("k", "1"), Ct));
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis",
            new Dictionary<string, string> { ["redisHost"] = redis.Host, ["redisPassword"] = "wrong", ["dialTimeout"] = "1s" }));
        Assert.Contains("error connecting to redis", error.Message);
    }

    [Fact]
    public async Task Redis_username_authenticates_as_an_acl_user_and_a_wrong_password_fails_init()
    {
        await using var redis = await DedicatedRedis.StartAsync([]);
        using (var admin = await ConnectionMultiplexer.ConnectAsync(redis.Host))
        {
            // A Redis 6 ACL user limited to the commands state.redis sends (keys of any name).
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "alice", "on", ">alice-s3cret", "~*",
                "+@hash", "+@string", "+@keyspace", "+@scripting", "+@connection", "+info", "+wait", "+client");
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "default", "off");
            await admin.CloseAsync(allowCommandsToComplete: false);
        }

        var metadata = new Dictionary<string, string> { ["redisHost"] = redis.Host, ["redisUsername"] = "alice", ["redisPassword"] = "alice-s3cret" };
        await using (var store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", metadata))
        {
            Assert.Equal("1", await store.SetAsync(Set("acl-key", "\"as alice\""), Ct));
            Assert.Equal("\"as alice\"", Text(await store.GetAsync("acl-key", StateReadOptions.Default, Ct)));
        }

        using (var asAlice = await ConnectionMultiplexer.ConnectAsync($"{redis.Host},user=alice,password=alice-s3cret"))
        {
            // Written as daprd writes it, by the ACL user.
            Assert.Equal("\"as alice\"", (string?)await asAlice.GetDatabase().HashGetAsync("acl-key", "data"));
            await asAlice.CloseAsync(allowCommandsToComplete: false);
        }

        // A wrong password, and the password without the user name (AUTH as the disabled default user), fail init
        // with daprd's error.
        foreach (var wrong in (Dictionary<string, string>[])[
            new(metadata) { ["redisPassword"] = "wrong" },
            new(metadata) { ["redisUsername"] = "" }])
        {
            wrong["dialTimeout"] = "1s";
            var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", wrong));
            Assert.Contains($"redis store: error connecting to redis at {redis.Host}", error.Message);
            // daprd goes on with Redis's WRONGPASS; SE.Redis reports the failed AUTH as an authentication failure.
            Assert.Contains("authentication failure", error.Message);
        }
    }

    [Fact]
    public async Task Enable_tls_with_a_client_certificate_connects_to_a_server_that_requires_one()
    {
        var certificates = TestCertificates.Create();
        await using var redis = await StartTlsRedisAsync(certificates, requireClientCertificate: true);
        var metadata = new Dictionary<string, string>
        {
            ["redisHost"] = redis.Host,
            ["enableTLS"] = "true",
            // The test CA is not in the machine's trust store.
            ["insecureSkipTLSVerify"] = "true",
            ["clientCert"] = certificates.Client.Certificate,
            ["clientKey"] = certificates.Client.Key,
            ["dialTimeout"] = "2s",
        };

        await using (var store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", metadata))
        {
            Assert.Equal("1", await store.SetAsync(Set("tls-key", "\"over tls\""), Ct));
            Assert.Equal("\"over tls\"", Text(await store.GetAsync("tls-key", StateReadOptions.Default, Ct)));
        }

        // Without the client certificate the server refuses the handshake.
        metadata.Remove("clientCert");
        metadata.Remove("clientKey");
        await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", metadata));
    }

    [Fact]
    public async Task Enable_tls_verifies_the_server_certificate_unless_told_not_to()
    {
        await using var redis = await StartTlsRedisAsync(TestCertificates.Create(), requireClientCertificate: false);

        var untrusted = await Assert.ThrowsAnyAsync<Exception>(() => CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis",
            new Dictionary<string, string> { ["redisHost"] = redis.Host, ["enableTLS"] = "true", ["dialTimeout"] = "2s" }));
        Assert.Contains("error connecting to redis", untrusted.Message);

        await using var store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis",
            new Dictionary<string, string> { ["redisHost"] = redis.Host, ["enableTLS"] = "true", ["insecureSkipTLSVerify"] = "true" });
        Assert.Equal("1", await store.SetAsync(Set("k", "1"), Ct));
    }

    [Fact]
    public async Task Strong_consistency_waits_for_the_replicas_when_there_are_any()
    {
        // No diskless-sync delay: the replica is in sync in milliseconds instead of 5 s.
        await using var primary = await DedicatedRedis.StartAsync(["--repl-diskless-sync-delay", "0"]);
        await using var replica = await DedicatedRedis.StartAsync(["--replicaof", "127.0.0.1", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var raw = await ConnectionMultiplexer.ConnectAsync($"{primary.Host},allowAdmin=true");
        var server = raw.GetServer(primary.Host);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        // Online = the initial sync is done; only then does WAIT get prompt acknowledgements.
        while (!(await server.InfoRawAsync("replication") ?? "").Contains("state=online", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the replica did not connect");
            await Task.Delay(100, Ct);
        }

        await using var store = await CreateAsync<RedisStateStore>(RedisStateStore.CreateAsync, "state.redis", new Dictionary<string, string> { ["redisHost"] = primary.Host });

        await store.SetAsync(Set("eventual", "1"), Ct);
        Assert.Equal(0, await WaitCallsAsync(server));

        await store.SetAsync(Set("strong", "2") with { Consistency = StateConsistency.Strong }, Ct);
        await store.DeleteAsync(Delete("eventual") with { Consistency = StateConsistency.Strong }, Ct);
        Assert.Equal(2, await WaitCallsAsync(server));

        // WAIT returned, so the replica has the write.
        using var fromReplica = await ConnectionMultiplexer.ConnectAsync(replica.Host);
        Assert.Equal("2", (string?)await fromReplica.GetDatabase().HashGetAsync("strong", "data", CommandFlags.DemandReplica));
        await fromReplica.CloseAsync(allowCommandsToComplete: false);
        await raw.CloseAsync(allowCommandsToComplete: false);
    }

    [Fact]
    public void Settings_parse_hosts_ports_and_timeouts_as_daprs_redis_settings_do()
    {
        var settings = RedisStateSettings.Parse(Context("state.redis", new Dictionary<string, string>
        {
            ["redisHost"] = "cache.local, 10.0.0.2:7001,[::1]:7002",
            ["redisDB"] = "2",
            ["dialTimeout"] = "1500",
            ["readTimeout"] = "4s",
            ["writeTimeout"] = "2s",
            ["ttlInSeconds"] = "60",
        }).Metadata, "dapr-app");

        Assert.Equal(["Unspecified/cache.local:6379", "10.0.0.2:7001", "[::1]:7002"], settings.Options.EndPoints.Select(e => e.ToString()));
        Assert.Equal(2, settings.Options.DefaultDatabase);
        Assert.Equal(1500, settings.Options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.OperationTimeout);
        Assert.Equal(60, settings.DefaultTtlSeconds);
        Assert.Equal("dapr-app", settings.Options.ClientName);
        Assert.False(settings.Options.Ssl);
    }

    [Fact]
    public void Settings_redis_port_completes_a_bare_host_and_must_agree_with_an_explicit_one()
    {
        var settings = RedisStateSettings.Parse(Context("state.redis", new Dictionary<string, string> { ["redisHost"] = "127.0.0.1", ["redisPort"] = "7005" }).Metadata, "x");
        Assert.Equal(["127.0.0.1:7005"], settings.Options.EndPoints.Select(e => e.ToString()));

        var error = Assert.Throws<Resources.ResourceException>(() =>
            RedisStateSettings.Parse(Context("state.redis", new Dictionary<string, string> { ["redisHost"] = "127.0.0.1:7000", ["redisPort"] = "7005" }).Metadata, "x"));
        Assert.Contains("spec.metadata.redisPort", error.Message);
    }

    [Fact]
    public void Settings_a_connect_attempt_is_bounded_by_the_shorter_of_the_dial_and_read_timeouts()
    {
        RedisStateSettings Parse(Dictionary<string, string> metadata) =>
            RedisStateSettings.Parse(Context("state.redis", new Dictionary<string, string>(metadata) { ["redisHost"] = "h" }).Metadata, "x");

        // go-redis: dial 5 s, then the new connection's commands within the 3 s read timeout; retried on a new one.
        Assert.Equal(3000, Parse([]).Options.ConnectTimeout);
        Assert.Equal(3, Parse([]).Options.ConnectRetry);
        Assert.Equal(1000, Parse(new() { ["dialTimeout"] = "1s" }).Options.ConnectTimeout);
        Assert.Equal(5000, Parse(new() { ["readTimeout"] = "-1" }).Options.ConnectTimeout);
        Assert.Equal(3000, Parse([]).Options.AsyncTimeout);
    }

    [Fact]
    public void Settings_a_negative_read_timeout_disables_the_operation_timeout()
    {
        var settings = RedisStateSettings.Parse(Context("state.redis", new Dictionary<string, string> { ["redisHost"] = "h", ["readTimeout"] = "-1" }).Metadata, "x");

        Assert.Null(settings.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), RedisStateSettings.Parse(Context("state.redis", new Dictionary<string, string> { ["redisHost"] = "h" }).Metadata, "x").OperationTimeout);
    }

    private static Task<DedicatedRedis> StartTlsRedisAsync(TestCertificates certificates, bool requireClientCertificate)
    {
        var directory = Directory.CreateTempSubdirectory("daprplatform-redis-").FullName;
        var files = certificates.WriteServerFiles(directory);
        return DedicatedRedis.StartAsync(
        [
            "--tls-cert-file", files.Certificate, "--tls-key-file", files.Key, "--tls-ca-cert-file", files.Ca,
            "--tls-auth-clients", requireClientCertificate ? "yes" : "no",
        ], directory, tls: true);
    }

    private static async Task<long> WaitCallsAsync(IServer server)
    {
        var stats = await server.InfoRawAsync("commandstats") ?? "";
        var line = stats.Split("\r\n").FirstOrDefault(l => l.StartsWith("cmdstat_wait:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
