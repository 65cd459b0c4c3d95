using System.Text.Json;
using DaprPlatform.Cli.Commands;
using DaprPlatform.Cli.Registry;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.Commands;

public sealed class ListCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Lists_live_registered_sidecars_as_json()
    {
        // This test process stands in for a live sidecar that registered as it started; pid 2^22+1 is above Linux's
        // pid_max, so never alive; "reused" names this live pid but was written long before it started (a killed
        // sidecar whose pid came back), so it is not listed either.
        var started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime().ToString("O");
        _temp.File("registry/orders/a1.json", $$"""{"appId":"orders","httpPort":1,"pid":{{Environment.ProcessId}},"startedAt":"{{started}}"}""");
        _temp.File("registry/gone/b2.json", """{"appId":"gone","httpPort":2,"pid":4194305}""");
        _temp.File("registry/reused/c3.json", $$"""{"appId":"reused","httpPort":3,"pid":{{Environment.ProcessId}},"startedAt":"2020-01-01T00:00:00Z"}""");
        var cli = new InProcessCli(_temp.Path, new Dictionary<string, string> { [CliEnvironment.DevHomeVariable] = _temp.Path });

        var exitCode = await cli.RunAsync("list", "-o", "json");

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(cli.Out);
        var app = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("orders", app.GetProperty("appId").GetString());
        Assert.Equal(1, app.GetProperty("httpPort").GetInt32());
        Assert.Equal(Environment.ProcessId, app.GetProperty("daprdPid").GetInt32());
    }

    [Fact]
    public async Task An_empty_registry_says_so()
    {
        var cli = new InProcessCli(_temp.Path, new Dictionary<string, string> { [CliEnvironment.DevHomeVariable] = _temp.Path });

        Assert.Equal(0, await cli.RunAsync("list"));
        Assert.Equal("No Dapr instances found.\n", cli.Out);
    }

    [Fact]
    public void The_table_has_the_dapr_list_columns_and_the_recorded_metadata()
    {
        var started = new DateTimeOffset(2026, 11, 21, 5, 0, 0, TimeSpan.Zero);
        var app = new RegisteredApp("orders", "a1", 3500, null, 5000, 100, started, "/x.json");
        var extended = new Dictionary<string, string> { ["appCommand"] = "dotnet run", ["cliPID"] = "42", ["appPID"] = "43" };

        var table = ListCommand.Table([new ListedApp(app, extended)], started.AddMinutes(5));

        var lines = table.TrimEnd('\n').Split('\n');
        Assert.Equal(["APP", "ID", "HTTP", "PORT", "GRPC", "PORT", "APP", "PORT", "COMMAND", "AGE", "CREATED", "DAPRD", "PID", "CLI", "PID", "APP", "PID"],
            lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("orders", lines[1], StringComparison.Ordinal);
        Assert.Contains("dotnet run", lines[1], StringComparison.Ordinal);
        Assert.Contains(" 5m ", lines[1], StringComparison.Ordinal);
        Assert.Equal(["100", "42", "43"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^3..]);
    }

    [Fact]
    public async Task An_unknown_output_format_is_a_usage_error()
    {
        var cli = new InProcessCli(_temp.Path);

        Assert.Equal(1, await cli.RunAsync("list", "-o", "yaml"));
        Assert.Contains("invalid output format \"yaml\"", cli.Error, StringComparison.Ordinal);
    }
}
