using System.Globalization;
using System.Net;
using System.Text.Json;
using DaprPlatform.Cli.Processes;
using DaprPlatform.Cli.Tests.Support;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Cli.Tests.Integration;

/// <summary>`dapr-dev run -f` / `stop -f` / `list` with real sidecars and OrderDemo apps.</summary>
[Collection(CliProcessCollection.Name)]
public sealed class RunFileTests : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly CliTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task Two_apps_call_each_other_through_their_sidecars_write_per_app_logs_and_stop_with_stop_f()
    {
        var alpha = CliTestContext.UniqueAppId("alpha");
        var beta = CliTestContext.UniqueAppId("beta");
        var (alphaPort, betaPort) = (FreePort.Get(), FreePort.Get());
        var demo = BuildOutputs.OrderDemoDll;
        _context.Temp.Directory("shop", "alpha");
        _context.Temp.Directory("shop", "beta");
        _context.Temp.File("shop/dapr.yaml", $"""
            version: 1
            common:
              env:
                SHARED: from-common
            apps:
            - appID: {alpha}
              appDirPath: ./alpha
              appPort: {alphaPort}
              command: ["dotnet", "{demo}"]
              env:
                DEMO_PEER_APP_ID: {beta}
            - appID: {beta}
              appDirPath: ./beta
              appPort: {betaPort}
              command: ["dotnet", "{demo}"]
              env:
                DEMO_PEER_APP_ID: {alpha}
            """);
        await using var cli = _context.Start(["run", "-f", "shop"]);
        await cli.WaitForLineAsync($"Started Dapr with app id \"{beta}\"", ReadyTimeout);
        var state = await cli.RunStateAsync();
        var ports = state.Apps.ToDictionary(a => a.AppId, a => a.HttpPort);
        foreach (var port in ports.Values)
        {
            await cli.Process.WaitForHttpAsync($"http://127.0.0.1:{port}/v1.0/healthz", HttpStatusCode.NoContent, ReadyTimeout, TestContext.Current.CancellationToken);
        }

        // alpha's app -> alpha's sidecar -> beta's sidecar -> beta's app, and the other way round.
        var alphaSeesBeta = await _context.GetJsonAsync($"http://127.0.0.1:{alphaPort}/peer/whoami");
        var betaSeesAlpha = await _context.GetJsonAsync($"http://127.0.0.1:{betaPort}/peer/whoami");
        var viaSidecar = await _context.GetJsonAsync($"http://127.0.0.1:{ports[alpha]}/v1.0/invoke/{beta}/method/whoami");
        var order = await _context.PostJsonAsync($"http://127.0.0.1:{alphaPort}/orders", new { item = "book", quantity = 2 });
        var stored = await _context.GetJsonAsync($"http://127.0.0.1:{alphaPort}/orders/{order.GetProperty("id").GetString()}");
        var info = await _context.GetJsonAsync($"http://127.0.0.1:{alphaPort}/info");

        Assert.Equal(beta, alphaSeesBeta.GetProperty("appId").GetString());
        Assert.Equal(alpha, betaSeesAlpha.GetProperty("appId").GetString());
        Assert.Equal(beta, viaSidecar.GetProperty("appId").GetString());
        Assert.Equal(beta, order.GetProperty("reservedBy").GetString());
        Assert.Equal("book", stored.GetProperty("item").GetString());
        Assert.Equal(alpha, info.GetProperty("appId").GetString());
        Assert.Equal(Text(alphaPort), info.GetProperty("appPort").GetString());
        Assert.Equal(Text(ports[alpha]), info.GetProperty("daprHttpPort").GetString());
        Assert.Equal(beta, info.GetProperty("peerAppId").GetString());

        // Per-app log files next to each app, named <appID>_<app|daprd>_<timestamp>.log.
        var logs = Path.Combine(_context.Temp.Path, "shop", "alpha", ".dapr", "logs");
        var appLog = Assert.Single(Directory.GetFiles(logs, $"{alpha}_app_*.log"));
        var daprdLog = Assert.Single(Directory.GetFiles(logs, $"{alpha}_daprd_*.log"));
        Assert.Matches(@"_app_\d{14}\.log$", appLog);
        Assert.Contains($"== APP - {alpha} == ", await File.ReadAllTextAsync(appLog, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Contains("Component loaded", await File.ReadAllTextAsync(daprdLog, TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(Path.Combine(_context.Temp.Path, "shop", "beta", ".dapr", "logs"), $"{beta}_daprd_*.log"));

        // `list` sees both sidecars (from their registry) with what the CLI recorded in their metadata.
        await using (var list = _context.Start(["list", "-o", "json"]))
        {
            Assert.Equal(0, await list.WaitForExitAsync());
            using var listed = JsonDocument.Parse(list.Output);
            var entries = listed.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("appId").GetString()!);
            Assert.Equal(cli.Process.Id, entries[alpha].GetProperty("cliPid").GetInt32());
            Assert.Equal(alphaPort, entries[alpha].GetProperty("appPort").GetInt32());
            Assert.Equal(ports[beta], entries[beta].GetProperty("httpPort").GetInt32());
            Assert.NotEqual(entries[alpha].GetProperty("grpcPort").GetInt32(), entries[beta].GetProperty("grpcPort").GetInt32());
            Assert.EndsWith("dapr.yaml", entries[beta].GetProperty("runTemplatePath").GetString(), StringComparison.Ordinal);
        }

        await using (var stop = _context.Start(["stop", "-f", "shop"]))
        {
            Assert.Equal(0, await stop.WaitForExitAsync());
            Assert.Contains("Dapr and app processes stopped successfully", stop.Output, StringComparison.Ordinal);
        }

        Assert.True(await cli.WaitForExitAsync() == 0, cli.Describe());
        Assert.Contains($"Exited App \"{alpha}\" successfully", cli.Output, StringComparison.Ordinal);
        Assert.Contains($"Exited Dapr \"{beta}\" successfully", cli.Output, StringComparison.Ordinal);
        await ProcessAssert.NothingLeftAsync(state, cli.Describe());
    }

    [Fact]
    public async Task An_app_that_exits_is_reported_and_the_others_keep_running()
    {
        var keeper = CliTestContext.UniqueAppId("keeper");
        var quitter = CliTestContext.UniqueAppId("quitter");
        _context.Temp.Directory("run", "keeper");
        _context.Temp.Directory("run", "quitter");
        _context.Temp.File("run/dapr.yaml", $"""
            version: 1
            common:
              appLogDestination: console
              daprdLogDestination: console
            apps:
            - appID: {keeper}
              appDirPath: ./keeper
              command: ["sh", "-c", "echo keeping; exec sleep 300"]
            - appID: {quitter}
              appDirPath: ./quitter
              command: ["sh", "-c", "echo bye; exit 4"]
            """);
        await using var cli = _context.Start(["run", "-f", "run/dapr.yaml"]);

        await cli.WaitForLineAsync($"The App process \"{quitter}\" exited with error code: 4", ReadyTimeout);
        var state = await cli.RunStateAsync();
        var keeperState = state.Apps.Single(a => a.AppId == keeper);

        Assert.Contains($"== APP - {quitter} == bye", cli.Output, StringComparison.Ordinal);
        Assert.Contains($"== DAPR - {keeper} == ", cli.Output, StringComparison.Ordinal);
        Assert.False(cli.Process.HasExited, cli.Describe());
        Assert.True(Signals.IsAlive(keeperState.AppPid!.Value), cli.Describe());
        using (var health = await _context.Http.GetAsync($"http://127.0.0.1:{keeperState.HttpPort}/v1.0/healthz", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        }

        // Logs went to the console only.
        Assert.False(Directory.Exists(Path.Combine(_context.Temp.Path, "run", "keeper", ".dapr", "logs")));
        Assert.True(await cli.TerminateAsync() == 0, cli.Describe());
        await ProcessAssert.NothingLeftAsync(state, cli.Describe());
    }

    [Fact]
    public async Task An_invalid_run_file_is_reported_with_its_path_and_field_before_anything_starts()
    {
        var file = _context.Temp.File("bad/dapr.yaml", "version: 1\napps:\n- appDirPath: .\n  appPort: eighty\n");
        var cli = new InProcessCli(_context.Temp.Path);

        var exitCode = await cli.RunAsync("run", "-f", "bad");

        Assert.Equal(1, exitCode);
        Assert.Contains($"Error getting apps from config file: {file}: apps[0].appPort: 'eighty' is not a whole number (line 4)", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_f_without_a_running_instance_fails()
    {
        _context.Temp.File("idle/dapr.yaml", "version: 1\napps:\n- appDirPath: .\n");
        var cli = new InProcessCli(_context.Temp.Path, new Dictionary<string, string> { [CliEnvironment.DevHomeVariable] = _context.DevHome });

        Assert.Equal(1, await cli.RunAsync("stop", "-f", "idle"));
        Assert.Contains("couldn't find apps with run file", cli.Error, StringComparison.Ordinal);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
