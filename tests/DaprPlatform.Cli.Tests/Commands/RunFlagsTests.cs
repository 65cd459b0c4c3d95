using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Commands;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.Commands;

public sealed class RunFlagsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly InProcessCli _cli;

    public RunFlagsTests() => _cli = new InProcessCli(_temp.Path);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Unset_ports_are_left_to_the_allocator_and_defaults_apply()
    {
        var defaults = new RunDefaults([_temp.Directory("defaults")], null);

        var spec = Spec(["-a", "orders", "--", "dotnet", "run"], defaults);

        Assert.Equal("orders", spec.AppId);
        Assert.Null(spec.AppPort);
        Assert.Null(spec.HttpPort);
        Assert.Null(spec.GrpcPort);
        Assert.Null(spec.InternalGrpcPort);
        Assert.Null(spec.MetricsPort);
        Assert.Equal(defaults.ResourcesPaths, spec.ResourcesPaths);
        Assert.Equal("http", spec.AppProtocol);
        Assert.Equal("127.0.0.1", spec.AppChannelAddress);
        Assert.Equal(["dotnet", "run"], spec.Command);
        Assert.Equal(_temp.Path, spec.WorkingDirectory);
    }

    [Fact]
    public void Every_flag_lands_in_the_spec()
    {
        _temp.Directory("res1");
        _temp.Directory("res2");
        var config = _temp.File("config.yaml", "kind: Configuration");

        var spec = Spec(
        [
            "-a", "orders", "-p", "5000", "-H", "3600", "-G", "50010", "-I", "50020", "-M", "9999",
            "--resources-path", "res1,res2", "-c", "config.yaml", "-P", "grpc", "--app-ssl",
            "--app-channel-address", "10.0.0.5", "--log-level", "warn", "--enable-api-logging",
            "--dapr-listen-addresses", "0.0.0.0", "--app-max-concurrency", "4", "--max-body-size", "8Mi",
            "--enable-app-health-check", "--app-health-check-path", "/ready", "--app-health-probe-interval", "2",
            "--app-health-probe-timeout", "300", "--app-health-threshold", "5",
        ]);

        Assert.Equal(5000, spec.AppPort);
        Assert.Equal(3600, spec.HttpPort);
        Assert.Equal(50010, spec.GrpcPort);
        Assert.Equal(50020, spec.InternalGrpcPort);
        Assert.Equal(9999, spec.MetricsPort);
        Assert.Equal([Path.Combine(_temp.Path, "res1"), Path.Combine(_temp.Path, "res2")], spec.ResourcesPaths);
        Assert.Equal(config, spec.ConfigPath);
        Assert.Equal("grpcs", spec.AppProtocol);
        Assert.Equal("10.0.0.5", spec.AppChannelAddress);
        Assert.Equal("warn", spec.LogLevel);
        Assert.True(spec.EnableApiLogging);
        Assert.Equal("0.0.0.0", spec.ListenAddresses);
        Assert.Equal(4, spec.AppMaxConcurrency);
        Assert.Equal("8Mi", spec.MaxBodySize);
        Assert.True(spec.EnableAppHealthCheck);
        Assert.Equal("/ready", spec.AppHealthCheckPath);
        Assert.Equal(2, spec.AppHealthProbeInterval);
        Assert.Equal(300, spec.AppHealthProbeTimeout);
        Assert.Equal(5, spec.AppHealthThreshold);
    }

    [Fact]
    public void A_missing_app_id_is_generated()
    {
        var spec = Spec([]);

        Assert.Matches("^app-[0-9a-f]{8}$", spec.AppId);
    }

    [Fact]
    public void Deprecated_components_path_is_used_when_no_resources_path_is_given()
    {
        _temp.Directory("components");

        var spec = Spec(["-d", "components"]);

        Assert.Equal([Path.Combine(_temp.Path, "components")], spec.ResourcesPaths);
    }

    [Theory]
    [InlineData(new[] { "-P", "tcp" }, "must be one of http, https, grpc, grpcs, h2c")]
    [InlineData(new[] { "--log-level", "loud" }, "must be one of debug, info, warn, error, fatal, panic")]
    [InlineData(new[] { "-a", "my.app" }, "must not contain '.'")]
    [InlineData(new[] { "--resources-path", "nowhere" }, "nowhere\": directory does not exist")]
    [InlineData(new[] { "-c", "missing.yaml" }, "missing.yaml\" does not exist")]
    [InlineData(new[] { "-k" }, "--kubernetes is not supported")]
    public void Invalid_values_are_usage_errors(string[] args, string fragment)
    {
        var error = Assert.Throws<CliUsageException>(() => Spec(args));

        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_file_cannot_be_combined_with_app_flags()
    {
        var exitCode = await _cli.RunAsync("run", "-f", ".", "--app-id", "x");

        Assert.Equal(1, exitCode);
        Assert.Contains("the following flags are not supported with --run-file: --app-id", _cli.Error, StringComparison.Ordinal);
    }

    private AppLaunchSpec Spec(string[] args, RunDefaults? defaults = null) =>
        RunFlags.ToLaunchSpec(RunFlags.Parse(args), defaults ?? new RunDefaults([], null), _cli.Environment);
}
