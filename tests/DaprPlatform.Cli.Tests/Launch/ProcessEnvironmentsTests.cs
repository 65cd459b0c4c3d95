using DaprPlatform.Cli.Launch;
using Xunit;

namespace DaprPlatform.Cli.Tests.Launch;

public sealed class ProcessEnvironmentsTests
{
    private static readonly AppPorts Ports = new(3500, 50001, 50002, 9090);

    private static readonly Dictionary<string, string> Caller = new()
    {
        ["PATH"] = "/usr/bin",
        ["APP_API_TOKEN"] = "from-caller",
        ["DAPR_HTTP_PORT"] = "1",
        ["ASPNETCORE_URLS"] = "http://+:80",
        ["DAPRPLATFORM_REDIS_HOST"] = "mine:6379",
    };

    [Fact]
    public void The_app_gets_the_callers_environment_and_the_dapr_variables()
    {
        var spec = new AppLaunchSpec { AppId = "orders", WorkingDirectory = "/", AppPort = 5000, AppProtocol = "grpc" };

        var env = ProcessEnvironments.ForApp(spec, Ports, Caller);

        Assert.Equal("/usr/bin", env["PATH"]);
        Assert.Equal("from-caller", env["APP_API_TOKEN"]);
        Assert.Equal("http://+:80", env["ASPNETCORE_URLS"]);
        Assert.Equal("orders", env["APP_ID"]);
        Assert.Equal("5000", env["APP_PORT"]);
        Assert.Equal("grpc", env["APP_PROTOCOL"]);
        Assert.Equal("3500", env["DAPR_HTTP_PORT"]);
        Assert.Equal("50001", env["DAPR_GRPC_PORT"]);
        Assert.Equal("9090", env["DAPR_METRICS_PORT"]);
        Assert.False(env.ContainsKey("APP_CHANNEL_ADDRESS"));
    }

    [Fact]
    public void Run_file_env_wins_and_a_channel_address_other_than_loopback_is_passed()
    {
        var spec = new AppLaunchSpec
        {
            AppId = "orders",
            WorkingDirectory = "/",
            AppChannelAddress = "10.0.0.5",
            Environment = new Dictionary<string, string> { ["APP_API_TOKEN"] = "from-run-file", ["DEBUG"] = "1" },
        };

        var env = ProcessEnvironments.ForApp(spec, Ports, Caller);

        Assert.Equal("from-run-file", env["APP_API_TOKEN"]);
        Assert.Equal("1", env["DEBUG"]);
        Assert.Equal("10.0.0.5", env["APP_CHANNEL_ADDRESS"]);
        Assert.False(env.ContainsKey("APP_PORT"));
    }

    [Fact]
    public void The_sidecar_gets_the_callers_environment_dev_defaults_and_the_run_files_tokens()
    {
        var spec = new AppLaunchSpec
        {
            AppId = "orders",
            WorkingDirectory = "/",
            Environment = new Dictionary<string, string> { ["DAPR_API_TOKEN"] = "api", ["DEBUG"] = "1" },
        };
        var defaults = new Dictionary<string, string>
        {
            ["DAPRPLATFORM_REDIS_HOST"] = "localhost:6379",
            ["DAPRPLATFORM_SECRETS_FILE"] = "/repo/components/secrets.dev.json",
        };

        var env = ProcessEnvironments.ForSidecar(spec, Caller, defaults);

        Assert.Equal("from-caller", env["APP_API_TOKEN"]);
        Assert.Equal("api", env["DAPR_API_TOKEN"]);
        Assert.Equal("mine:6379", env["DAPRPLATFORM_REDIS_HOST"]);
        Assert.Equal("/repo/components/secrets.dev.json", env["DAPRPLATFORM_SECRETS_FILE"]);
        Assert.False(env.ContainsKey("DEBUG"));
        Assert.False(env.ContainsKey("ASPNETCORE_URLS"));
    }

    [Fact]
    public void Sidecars_start_with_the_runtime_tuning_unless_the_caller_set_it_and_apps_never_get_it()
    {
        var spec = new AppLaunchSpec { AppId = "orders", WorkingDirectory = "/" };
        var daprd = Path.GetTempFileName();
        try
        {
            var settings = LaunchSettings.From(new CliEnvironment(
                TextWriter.Null, TextWriter.Null, new Dictionary<string, string>(Caller) { [CliEnvironment.DaprdVariable] = daprd }, "/"));
            var callersOwn = new Dictionary<string, string>(Caller) { ["DOTNET_GCgen0size"] = "0x1000000" };

            Assert.Equal("100000", ProcessEnvironments.ForSidecar(spec, Caller, settings.SidecarDefaults)["DOTNET_GCgen0size"]);
            Assert.Equal("0x1000000", ProcessEnvironments.ForSidecar(spec, callersOwn, settings.SidecarDefaults)["DOTNET_GCgen0size"]);
            Assert.False(ProcessEnvironments.ForApp(spec, Ports, Caller).ContainsKey("DOTNET_GCgen0size"));
        }
        finally
        {
            File.Delete(daprd);
        }
    }
}
