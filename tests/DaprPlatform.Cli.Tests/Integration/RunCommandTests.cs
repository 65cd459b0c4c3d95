using System.Globalization;
using System.Net;
using DaprPlatform.Cli.Processes;
using DaprPlatform.Cli.State;
using DaprPlatform.Cli.Tests.Support;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Cli.Tests.Integration;

/// <summary>`dapr-dev run` with real sidecar and app processes.</summary>
[Collection(CliProcessCollection.Name)]
public sealed class RunCommandTests : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly CliTestContext _context = new();

    public void Dispose() => _context.Dispose();

    [Fact]
    public async Task The_app_gets_the_callers_environment_and_the_dapr_variables_and_its_exit_code_becomes_the_clis()
    {
        var appId = CliTestContext.UniqueAppId("env");
        var appPort = FreePort.Get();
        const string script = """
            echo "APP_API_TOKEN=$APP_API_TOKEN"; echo "CALLER=$CALLER_VARIABLE"; echo "APP_ID=$APP_ID"; echo "APP_PORT=$APP_PORT"
            echo "APP_PROTOCOL=$APP_PROTOCOL"; echo "DAPR_HTTP_PORT=$DAPR_HTTP_PORT"; echo "DAPR_GRPC_PORT=$DAPR_GRPC_PORT"
            echo "DAPR_METRICS_PORT=$DAPR_METRICS_PORT"; echo "APP_CHANNEL_ADDRESS=${APP_CHANNEL_ADDRESS-unset}"; exit 7
            """;
        await using var cli = _context.Start(
            ["run", "--app-id", appId, "--app-port", Text(appPort), "--", "sh", "-c", script],
            new Dictionary<string, string?> { ["APP_API_TOKEN"] = "x", ["CALLER_VARIABLE"] = "from-the-shell" });

        var exitCode = await cli.WaitForExitAsync();

        var output = cli.Output;
        Assert.True(exitCode == 7, cli.Describe());
        var httpPort = CliTestContext.HttpPortOf(output, appId);
        foreach (var expected in new[]
        {
            "== APP == APP_API_TOKEN=x", "== APP == CALLER=from-the-shell", $"== APP == APP_ID={appId}",
            $"== APP == APP_PORT={appPort}", "== APP == APP_PROTOCOL=http", $"== APP == DAPR_HTTP_PORT={httpPort}",
            "== APP == APP_CHANNEL_ADDRESS=unset", "The App process exited with error code: 7", "Exited Dapr successfully",
        })
        {
            Assert.Contains(expected, output, StringComparison.Ordinal);
        }

        Assert.Matches(@"== APP == DAPR_GRPC_PORT=\d+", output);
        Assert.Matches(@"== APP == DAPR_METRICS_PORT=\d+", output);
        await ProcessAssert.NoProcessMentioningAsync(appId, cli.Describe());
    }

    [Fact]
    public async Task Sigterm_stops_the_apps_whole_process_group_then_the_sidecar_and_leaves_nothing_running()
    {
        var appId = CliTestContext.UniqueAppId("sig");
        await using var cli = _context.Start(["run", "--app-id", appId, "--", "sh", "-c", "sleep 300 & sleep 300 & wait"]);
        await cli.WaitForLineAsync("You're up and running! Both Dapr and your app logs will appear here.");
        var state = await cli.RunStateAsync();
        var app = Assert.Single(state.Apps);
        Assert.Equal(appId, app.AppId);
        Assert.True(Signals.IsGroupAlive(app.AppPid!.Value), cli.Describe());

        var exitCode = await cli.TerminateAsync();

        var output = cli.Output;
        Assert.True(exitCode == 0, cli.Describe());
        Assert.Contains("terminated signal received: shutting down", output, StringComparison.Ordinal);
        var appStopped = output.IndexOf("Exited App successfully", StringComparison.Ordinal);
        var sidecarStopped = output.IndexOf("Exited Dapr successfully", StringComparison.Ordinal);
        Assert.True(appStopped >= 0 && sidecarStopped > appStopped, $"the app must stop before its sidecar\n{output}");
        await ProcessAssert.NothingLeftAsync(state, cli.Describe());
        await ProcessAssert.NoProcessMentioningAsync(appId, cli.Describe());
        Assert.Empty(RunStateStore.ReadAll(_context.DevHome));
    }

    [Fact]
    public async Task Without_a_command_the_sidecar_runs_alone_on_the_embedded_components_until_a_signal()
    {
        var appId = CliTestContext.UniqueAppId("solo");
        var httpPort = FreePort.Get();
        await using var cli = _context.Start(["run", "-a", appId, "-H", Text(httpPort)]);
        await cli.WaitForLineAsync("You're up and running! Dapr logs will appear here.");
        var sidecar = $"http://127.0.0.1:{httpPort}/v1.0";

        using (var health = await _context.Http.GetAsync($"{sidecar}/healthz", TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        }

        var metadata = await _context.GetJsonAsync($"{sidecar}/metadata");
        Assert.Equal(appId, metadata.GetProperty("id").GetString());
        var components = metadata.GetProperty("components").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("type").GetString()!);
        Assert.Equal("state.in-memory", components["statestore"]);
        Assert.Equal("pubsub.in-memory", components["pubsub"]);
        Assert.Equal("secretstores.local.file", components["secretstore"]);
        Assert.Equal(Text(cli.Process.Id), metadata.GetProperty("extended").GetProperty("cliPID").GetString());
        var secret = await _context.GetJsonAsync($"{sidecar}/secrets/secretstore/order-demo-greeting");
        Assert.Equal("hello from the dev secret store", secret.GetProperty("order-demo-greeting").GetString());

        var exitCode = await cli.TerminateAsync();

        Assert.True(exitCode == 0, cli.Describe());
        Assert.Contains("Exited Dapr successfully", cli.Output, StringComparison.Ordinal);
        await ProcessAssert.NoProcessMentioningAsync(appId, cli.Describe());
    }

    [Fact]
    public async Task A_sidecar_that_cannot_start_is_reported_and_the_app_never_starts()
    {
        var appId = CliTestContext.UniqueAppId("broken");
        _context.Temp.File("broken-resources/bad.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.no-such-store
              version: v1
            """);
        await using var cli = _context.Start(["run", "--app-id", appId, "--resources-path", "broken-resources", "--", "sh", "-c", "echo app-started; sleep 300"]);

        var exitCode = await cli.WaitForExitAsync();

        Assert.True(exitCode == 1, cli.Describe());
        Assert.Contains("The daprd process exited with error code: 1", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("app-started", cli.Output, StringComparison.Ordinal);
        await ProcessAssert.NoProcessMentioningAsync(appId, cli.Describe());
    }

    [Fact]
    public async Task An_app_command_that_does_not_exist_is_reported_and_the_sidecar_stopped()
    {
        var appId = CliTestContext.UniqueAppId("nocmd");
        await using var cli = _context.Start(["run", "--app-id", appId, "--", "no-such-command-for-dapr-dev", "--flag"]);

        var exitCode = await cli.WaitForExitAsync();

        Assert.True(exitCode == 1, cli.Describe());
        Assert.Contains("Failed to find command no-such-command-for-dapr-dev", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Exited Dapr successfully", cli.Output, StringComparison.Ordinal);
        await ProcessAssert.NoProcessMentioningAsync(appId, cli.Describe());
    }

    [Fact]
    public async Task App_api_token_from_the_callers_environment_reaches_both_the_sidecar_and_the_app()
    {
        var appId = CliTestContext.UniqueAppId("token");
        var appPort = FreePort.Get();
        var httpPort = FreePort.Get();
        await using var cli = _context.Start(
            ["run", "--app-id", appId, "--app-port", Text(appPort), "--dapr-http-port", Text(httpPort), "--", "dotnet", BuildOutputs.OrderDemoDll],
            new Dictionary<string, string?> { ["APP_API_TOKEN"] = "app-token-for-tests" });
        await cli.WaitForLineAsync("You're up and running!");
        await cli.Process.WaitForHttpAsync($"http://127.0.0.1:{httpPort}/v1.0/healthz", HttpStatusCode.NoContent, ReadyTimeout, TestContext.Current.CancellationToken);

        // The sidecar sends the token it got from the environment; the app accepts only that token.
        var identity = await _context.GetJsonAsync($"http://127.0.0.1:{httpPort}/v1.0/invoke/{appId}/method/whoami");
        using var direct = await _context.Http.GetAsync($"http://127.0.0.1:{appPort}/whoami", TestContext.Current.CancellationToken);

        Assert.Equal(appId, identity.GetProperty("appId").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        Assert.True(await cli.TerminateAsync() == 0, cli.Describe());
        await ProcessAssert.NoProcessMentioningAsync(appId, cli.Describe());
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
