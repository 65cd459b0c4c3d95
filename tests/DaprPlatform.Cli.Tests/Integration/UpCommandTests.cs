using System.Globalization;
using System.Net;
using System.Text.Json;
using DaprPlatform.Cli.Commands;
using DaprPlatform.Cli.Infra;
using DaprPlatform.Cli.Tests.Support;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Cli.Tests.Integration;

/// <summary>`dapr-dev up`: the run file on the component set the CLI selects, with or without local servers.</summary>
[Collection(CliProcessCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UpCommandTests : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    // start.sh waits up to 60 s for RabbitMQ alone on a noisy machine.
    private static readonly TimeSpan InfraReadyTimeout = TimeSpan.FromSeconds(240);

    private readonly CliTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task Run_f_uses_home_dapr_components_while_up_embedded_replaces_them_with_the_embedded_set()
    {
        _context.Temp.File("home/.dapr/components/homestore.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: homestore
            spec:
              type: state.in-memory
              version: v1
            """);
        var appId = CliTestContext.UniqueAppId("solo");
        var httpPort = FreePort.Get();
        _context.Temp.Directory("solo");
        _context.Temp.File("dapr.yaml", $"version: 1\napps:\n- appID: {appId}\n  appDirPath: ./solo\n  daprHTTPPort: {httpPort}\n");

        var fromHome = await ComponentsAsync(["run", "-f", "."], appId, httpPort);
        var embedded = await ComponentsAsync(["up", "--embedded", "-f", "dapr.yaml"], appId, httpPort);

        Assert.Equal(new Dictionary<string, string> { ["homestore"] = "state.in-memory" }, fromHome);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["pubsub"] = "pubsub.in-memory",
                ["secretstore"] = "secretstores.local.file",
                ["statestore"] = "state.in-memory",
            },
            embedded);
    }

    [Fact]
    public async Task Up_starts_local_servers_runs_on_the_server_components_with_generated_secrets_and_stops_the_servers()
    {
        var appId = CliTestContext.UniqueAppId("infra");
        var (appPort, httpPort) = (FreePort.Get(), FreePort.Get());
        var infraDirectory = Path.Combine(_context.Temp.Path, "infra");
        _context.Temp.Directory("orders");
        _context.Temp.File("dapr.yaml", $"""
            version: 1
            apps:
            - appID: {appId}
              appDirPath: ./orders
              appPort: {appPort}
              daprHTTPPort: {httpPort}
              command: ["dotnet", "{BuildOutputs.OrderDemoDll}"]
            """);
        await using var cli = _context.Start(
            ["up", "-f", "dapr.yaml"],
            new Dictionary<string, string?>
            {
                [UpCommand.InfraDirectoryVariable] = infraDirectory,
                [UpCommand.DataDirectoryVariable] = _context.Temp.Path,
            });
        await cli.WaitForLineAsync($"Started Dapr with app id \"{appId}\"", InfraReadyTimeout);
        await cli.Process.WaitForHttpAsync($"http://127.0.0.1:{httpPort}/v1.0/healthz", HttpStatusCode.NoContent, ReadyTimeout, TestContext.Current.CancellationToken);
        var servers = InfraEnvFile.Read(Path.Combine(infraDirectory, "infra.env"));

        var components = Components(await _context.GetJsonAsync($"http://127.0.0.1:{httpPort}/v1.0/metadata"));
        var order = await _context.PostJsonAsync($"http://127.0.0.1:{appPort}/orders", new { item = "lamp", quantity = 1 });
        var id = order.GetProperty("id").GetString();
        var stored = await _context.GetJsonAsync($"http://127.0.0.1:{appPort}/orders/{id}");
        string redisKeys;
        await using (var redisCli = ManagedProcess.Start("redis-cli", ["-h", "127.0.0.1", "-p", servers["DAPRPLATFORM_REDIS_PORT"], "--scan"]))
        {
            Assert.Equal(0, await redisCli.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
            redisKeys = redisCli.Output;
        }

        Assert.Equal("state.redis", components["statestore"]);
        Assert.Equal("pubsub.rabbitmq", components["pubsub"]);
        Assert.Equal("secretstores.local.file", components["secretstore"]);
        Assert.Equal("lamp", stored.GetProperty("item").GetString());
        Assert.Contains($"{appId}||order-{id}", redisKeys, StringComparison.Ordinal);
        var secrets = JsonDocument.Parse(File.ReadAllText(Path.Combine(_context.Temp.Path, "secrets.json"))).RootElement;
        Assert.Contains($"Port={servers["DAPRPLATFORM_PG_PORT"]};", secrets.GetProperty("ConnectionStrings").GetProperty("orderingdb").GetString(), StringComparison.Ordinal);
        Assert.Contains("Database=ordering", secrets.GetProperty("ConnectionStrings").GetProperty("orderingdb").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", secrets.GetProperty("Jwt").GetProperty("SigningKeyPem").GetString(), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_context.Temp.Path, "secrets.json")));

        Assert.True(await cli.TerminateAsync() == 0, cli.Describe());
        Assert.Contains("Infrastructure stopped", cli.Output, StringComparison.Ordinal);
        foreach (var server in new[] { "DAPRPLATFORM_REDIS_PID", "DAPRPLATFORM_PG_PID", "DAPRPLATFORM_RABBITMQ_PID" })
        {
            await ProcessAssert.GoneAsync(int.Parse(servers[server], CultureInfo.InvariantCulture), server, cli.Describe());
        }

        await ProcessAssert.NoProcessMentioningAsync(appId, cli.Describe());
    }

    private async Task<Dictionary<string, string>> ComponentsAsync(string[] args, string appId, int httpPort)
    {
        await using var cli = _context.Start(args);
        await cli.WaitForLineAsync($"Started Dapr with app id \"{appId}\"", ReadyTimeout);
        var components = Components(await _context.GetJsonAsync($"http://127.0.0.1:{httpPort}/v1.0/metadata"));
        Assert.True(await cli.TerminateAsync() == 0, cli.Describe());
        await ProcessAssert.NoProcessMentioningAsync(appId, cli.Describe());
        return components;
    }

    private static Dictionary<string, string> Components(JsonElement metadata) =>
        metadata.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString()!);
}
