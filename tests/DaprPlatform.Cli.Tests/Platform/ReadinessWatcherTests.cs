using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.Platform;
using Xunit;

namespace DaprPlatform.Cli.Tests.Platform;

/// <summary>The banner `up` prints once every app is ready: where users go.</summary>
public sealed class ReadinessWatcherTests
{
    [Fact]
    public void The_banner_names_the_gateway_and_the_console_with_their_ports_and_the_admin_account()
    {
        var output = Announce([App("gateway", 18080), App("identity", 15201), App("webconsole", 18081)], "/data/secrets.json");

        Assert.Contains("DaprPlatform is up: http://127.0.0.1:18080", output, StringComparison.Ordinal);
        Assert.Contains("console: http://127.0.0.1:18081", output, StringComparison.Ordinal);
        Assert.Contains($"Admin account: {PlatformSecrets.AdminEmail}, password in /data/secrets.json", output, StringComparison.Ordinal);
        Assert.True(
            output.IndexOf("DaprPlatform is up", StringComparison.Ordinal) < output.IndexOf("console:", StringComparison.Ordinal),
            $"the console line comes after the platform's:\n{output}");
    }

    [Fact]
    public void A_run_file_without_the_console_prints_no_console_line()
    {
        var output = Announce([App("gateway", 18080), App("identity", 15201)], secretsFile: null);

        Assert.Contains("DaprPlatform is up: http://127.0.0.1:18080", output, StringComparison.Ordinal);
        Assert.DoesNotContain("console:", output, StringComparison.Ordinal);
    }

    private static string Announce(IReadOnlyList<AppLaunchSpec> apps, string? secretsFile)
    {
        using var output = new StringWriter();
        new ReadinessWatcher(new Reporter(output, output), apps, secretsFile).Announce();
        return output.ToString();
    }

    private static AppLaunchSpec App(string appId, int port) => new() { AppId = appId, WorkingDirectory = "/tmp", AppPort = port };
}
