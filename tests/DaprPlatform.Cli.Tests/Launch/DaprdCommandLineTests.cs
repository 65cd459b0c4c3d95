using DaprPlatform.Cli.Launch;
using Xunit;

namespace DaprPlatform.Cli.Tests.Launch;

public sealed class DaprdCommandLineTests
{
    private static readonly AppPorts Ports = new(3500, 50001, 50002, 9090);

    [Fact]
    public void A_minimal_spec_passes_the_id_ports_and_protocol()
    {
        var args = DaprdCommandLine.Build(new AppLaunchSpec { AppId = "orders", WorkingDirectory = "/" }, Ports);

        Assert.Equal(
        [
            "--app-id", "orders", "--dapr-http-port", "3500", "--dapr-grpc-port", "50001",
            "--dapr-internal-grpc-port", "50002", "--metrics-port", "9090", "--app-protocol", "http",
        ], args);
    }

    [Fact]
    public void Every_setting_maps_to_its_daprd_flag()
    {
        var spec = new AppLaunchSpec
        {
            AppId = "orders",
            WorkingDirectory = "/",
            AppPort = 5000,
            AppChannelAddress = "10.0.0.5",
            ResourcesPaths = ["/r1", "/r2"],
            ConfigPath = "/config.yaml",
            LogLevel = "debug",
            EnableApiLogging = true,
            ListenAddresses = "0.0.0.0",
            AppMaxConcurrency = 3,
            MaxBodySize = "8Mi",
            ReadBufferSize = "8Ki",
            EnableAppHealthCheck = true,
            AppHealthCheckPath = "/ready",
            AppHealthProbeInterval = 2,
            AppHealthProbeTimeout = 300,
            AppHealthThreshold = 4,
        };

        var args = string.Join(' ', DaprdCommandLine.Build(spec, Ports));

        foreach (var expected in new[]
        {
            "--app-port 5000", "--app-channel-address 10.0.0.5", "--resources-path /r1 --resources-path /r2",
            "--config /config.yaml", "--log-level debug", "--enable-api-logging", "--dapr-listen-addresses 0.0.0.0",
            "--app-max-concurrency 3", "--max-body-size 8Mi", "--read-buffer-size 8Ki", "--enable-app-health-check",
            "--app-health-check-path /ready", "--app-health-probe-interval 2", "--app-health-probe-timeout 300",
            "--app-health-threshold 4",
        })
        {
            Assert.Contains(expected, args, StringComparison.Ordinal);
        }
    }
}
