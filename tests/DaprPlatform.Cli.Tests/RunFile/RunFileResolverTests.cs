using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.RunFile;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.RunFile;

public sealed class RunFileResolverTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly InProcessCli _cli;
    private readonly RunDefaults _defaults;

    public RunFileResolverTests()
    {
        _cli = new InProcessCli(_temp.Directory("cwd"), new Dictionary<string, string> { ["HOME"] = _temp.Directory("home") });
        _defaults = new RunDefaults([_temp.Directory("home", ".dapr", "components")], _temp.File("home/.dapr/config.yaml", "kind: Configuration"));
    }

    public void Dispose() => _temp.Dispose();

    private string Run(string relative) => Path.Combine(_temp.Path, "run", relative);

    [Fact]
    public void Common_paths_are_relative_to_the_file_and_app_paths_to_the_app_directory()
    {
        _temp.Directory("run", "components");
        _temp.Directory("run", "web", "res");
        _temp.File("run/web/app-config.yaml", "");
        _temp.File("run/shared-config.yaml", "");

        var apps = Resolve("""
            version: 1
            common:
              resourcesPaths: [./components]
              configFilePath: ./shared-config.yaml
            apps:
            - appDirPath: ./web
              resourcesPaths: [./res]
              configFilePath: ./app-config.yaml
            - appDirPath: web/
              appID: second
            """);

        Assert.Equal(Run("web"), apps[0].WorkingDirectory.TrimEnd('/'));
        Assert.Equal([Run("web/res")], apps[0].ResourcesPaths);
        Assert.Equal(Run("web/app-config.yaml"), apps[0].ConfigPath);
        Assert.Equal([Run("components")], apps[1].ResourcesPaths);
        Assert.Equal(Run("shared-config.yaml"), apps[1].ConfigPath);
    }

    [Fact]
    public void Resources_precedence_is_app_then_app_dapr_dir_then_common_then_default()
    {
        foreach (var dir in new[] { "a", "b", "c", "common-res" })
        {
            _temp.Directory("run", dir);
        }

        _temp.Directory("run", "a", "own");
        _temp.Directory("run", "a", ".dapr", "resources");
        _temp.Directory("run", "b", ".dapr", "resources");

        var apps = Resolve("""
            version: 1
            common:
              resourcesPaths: [./common-res]
            apps:
            - appDirPath: ./a
              resourcesPaths: [./own]
            - appDirPath: ./b
            - appDirPath: ./c
            """);

        Assert.Equal([Run("a/own")], apps[0].ResourcesPaths);
        Assert.Equal([Run("b/.dapr/resources")], apps[1].ResourcesPaths);
        Assert.Equal([Run("common-res")], apps[2].ResourcesPaths);

        var withoutCommon = Resolve("version: 1\napps:\n- appDirPath: ./c\n");
        Assert.Equal(_defaults.ResourcesPaths, withoutCommon[0].ResourcesPaths);
    }

    [Fact]
    public void Deprecated_resources_path_adds_to_resources_paths()
    {
        _temp.Directory("run", "web", "one");
        _temp.Directory("run", "web", "two");

        var apps = Resolve("version: 1\napps:\n- appDirPath: ./web\n  resourcesPaths: [./one]\n  resourcesPath: ./two\n");

        Assert.Equal([Run("web/one"), Run("web/two")], apps[0].ResourcesPaths);
    }

    [Fact]
    public void Config_precedence_is_app_then_app_dapr_dir_then_common_then_default()
    {
        foreach (var dir in new[] { "a", "b", "c" })
        {
            _temp.Directory("run", dir);
        }

        _temp.File("run/a/mine.yaml", "");
        _temp.File("run/a/.dapr/config.yaml", "");
        _temp.File("run/b/.dapr/config.yaml", "");
        _temp.File("run/common.yaml", "");

        var apps = Resolve("""
            version: 1
            common:
              configFilePath: ./common.yaml
            apps:
            - appDirPath: ./a
              configFilePath: ./mine.yaml
            - appDirPath: ./b
            - appDirPath: ./c
            """);

        Assert.Equal(Run("a/mine.yaml"), apps[0].ConfigPath);
        Assert.Equal(Run("b/.dapr/config.yaml"), apps[1].ConfigPath);
        Assert.Equal(Run("common.yaml"), apps[2].ConfigPath);
        Assert.Equal(_defaults.ConfigPath, Resolve("version: 1\napps:\n- appDirPath: ./c\n")[0].ConfigPath);
    }

    [Fact]
    public void A_tilde_means_the_home_directory()
    {
        _temp.Directory("home", "my-components");
        _temp.Directory("run", "web");

        var apps = Resolve("version: 1\napps:\n- appDirPath: ./web\n  resourcesPaths: [\"~/my-components\"]\n");

        Assert.Equal([Path.Combine(_temp.Path, "home", "my-components")], apps[0].ResourcesPaths);
    }

    [Fact]
    public void App_env_overrides_common_env_key_by_key()
    {
        _temp.Directory("run", "a");
        _temp.Directory("run", "b");

        var apps = Resolve("""
            version: 1
            common:
              env: { A: common, B: common }
            apps:
            - appDirPath: ./a
              env: { B: app, C: app }
            - appDirPath: ./b
            """);

        Assert.Equal(new Dictionary<string, string> { ["A"] = "common", ["B"] = "app", ["C"] = "app" }, apps[0].Environment);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "common", ["B"] = "common" }, apps[1].Environment);
    }

    [Fact]
    public void Settings_an_app_leaves_unset_come_from_common()
    {
        _temp.Directory("run", "a");
        _temp.Directory("run", "b");

        var apps = Resolve("""
            version: 1
            common:
              logLevel: debug
              appProtocol: grpc
              enableApiLogging: true
              maxBodySize: 16Mi
              appHealthCheckPath: /ready
              appHealthThreshold: 7
            apps:
            - appDirPath: ./a
              logLevel: warn
              appHealthThreshold: 2
            - appDirPath: ./b
              appSSL: true
            """);

        Assert.Equal(("warn", "grpc", true, "16Mi", "/ready", 2), (apps[0].LogLevel, apps[0].AppProtocol, apps[0].EnableApiLogging, apps[0].MaxBodySize, apps[0].AppHealthCheckPath, apps[0].AppHealthThreshold));
        Assert.Equal(("debug", "grpcs", true, 7), (apps[1].LogLevel, apps[1].AppProtocol, apps[1].EnableApiLogging, apps[1].AppHealthThreshold));
    }

    [Fact]
    public void App_id_defaults_to_the_directory_name_and_ports_left_at_zero_are_picked_later()
    {
        _temp.Directory("run", "checkout-service");

        var app = Resolve("version: 1\napps:\n- appDirPath: ./checkout-service/\n  appPort: 0\n  daprHTTPPort: 3700\n")[0];

        Assert.Equal("checkout-service", app.AppId);
        Assert.Null(app.AppPort);
        Assert.Equal(3700, app.HttpPort);
        Assert.Null(app.GrpcPort);
        Assert.Null(app.MetricsPort);
        Assert.Null(app.InternalGrpcPort);
    }

    [Fact]
    public void Logs_go_to_the_app_dapr_logs_directory_with_the_cli_defaults()
    {
        _temp.Directory("run", "a");
        _temp.Directory("run", "b");

        var apps = Resolve("""
            version: 1
            common:
              daprdLogDestination: fileAndConsole
            apps:
            - appDirPath: ./a
            - appDirPath: ./b
              appLogDestination: console
              daprdLogDestination: file
            """);

        Assert.Equal((LogDestination.FileAndConsole, LogDestination.FileAndConsole), (apps[0].AppLogDestination, apps[0].DaprdLogDestination));
        Assert.Equal((LogDestination.Console, LogDestination.File), (apps[1].AppLogDestination, apps[1].DaprdLogDestination));
        Assert.Equal(Run("a/.dapr/logs"), apps[0].LogsDirectory);
    }

    [Theory]
    [InlineData("version: 0\napps:\n- appDirPath: ./a\n", "version", "required field 'version' not found")]
    [InlineData("version: 1\n", "apps", "no apps to run")]
    [InlineData("version: 1\napps:\n- appID: x\n", "apps[0].appDirPath", "required field 'appDirPath' not found")]
    [InlineData("version: 1\napps:\n- appDirPath: ./missing\n", "apps[0].appDirPath", "missing' does not exist")]
    [InlineData("version: 1\napps:\n- appDirPath: ./a\n  resourcesPaths: [./nope]\n", "apps[0].resourcesPaths[0]", "a/nope' does not exist")]
    [InlineData("version: 1\ncommon:\n  configFilePath: ./nope.yaml\napps:\n- appDirPath: ./a\n", "common.configFilePath", "nope.yaml' does not exist")]
    [InlineData("version: 1\napps:\n- appDirPath: ./a\n  appLogDestination: syslog\n", "apps[0].appLogDestination", "valid values are file, console, fileAndConsole")]
    [InlineData("version: 1\ncommon:\n  appProtocol: tcp\napps:\n- appDirPath: ./a\n", "common.appProtocol", "'tcp' is not one of")]
    [InlineData("version: 1\napps:\n- appDirPath: ./a\n  logLevel: chatty\n", "apps[0].logLevel", "'chatty' is not one of")]
    [InlineData("version: 1\napps:\n- appDirPath: ./a\n  appID: my.app\n", "apps[0].appID", "must not contain '.'")]
    [InlineData("version: 1\napps:\n- appDirPath: ./a\n- appDirPath: ./a\n", "apps[1].appID", "app id 'a' is used by more than one app")]
    public void Invalid_run_files_name_the_field(string yaml, string field, string fragment)
    {
        _temp.Directory("run", "a");

        var error = Assert.Throws<RunFileException>(() => Resolve(yaml));

        Assert.Equal(field, error.Field);
        Assert.Equal(Run("dapr.yaml"), error.File);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_root_run_file_of_the_repository_resolves()
    {
        var file = DaprPlatform.Testing.RepositoryRoot.Combine(RunFileLocator.DefaultFileName);

        var apps = RunFileResolver.Resolve(RunFileParser.Parse(file), _defaults, _cli.Environment);

        Assert.Equal(["gateway", "identity", "catalog", "ordering", "payments", "notifications", "analytics", "webconsole"], apps.Select(a => a.AppId));
        Assert.All(apps, app => Assert.True(File.Exists(Path.Combine(app.WorkingDirectory, app.Command[1])), $"{app.AppId}: {string.Join(' ', app.Command)}"));
        Assert.All(apps, app => Assert.True(File.Exists(app.ConfigPath), $"{app.AppId}: configuration {app.ConfigPath}"));
        Assert.All(apps, app => Assert.True(File.Exists(Path.Combine(app.WorkingDirectory, app.Command[2] + ".csproj")), $"{app.AppId}: project {app.Command[2]}"));
    }

    private IReadOnlyList<AppLaunchSpec> Resolve(string yaml)
    {
        var file = _temp.File("run/dapr.yaml", yaml);
        return RunFileResolver.Resolve(RunFileParser.Parse(file), _defaults, _cli.Environment);
    }
}
