using DaprPlatform.Cli.RunFile;
using Xunit;

namespace DaprPlatform.Cli.Tests.RunFile;

public sealed class RunFileParserTests
{
    private const string File = "/runs/dapr.yaml";

    [Fact]
    public void Reads_every_field_of_the_template()
    {
        var document = RunFileParser.Parse(File, """
            version: 1
            name: shop
            common:
              resourcesPaths: [./components]
              configFilePath: ./config.yaml
              appProtocol: http
              env:
                DEBUG: true
                LEVEL: 3
              logLevel: debug
              enableApiLogging: true
              appHealthCheckPath: /healthz
              maxBodySize: 8Mi
              daprdLogDestination: console
            apps:
            - appDirPath: ./webapp/
              appID: web
              appPort: 8080
              command: ["dotnet", "run"]
              appChannelAddress: 127.0.0.2
              daprHTTPPort: 3500
              daprGRPCPort: 50001
              daprInternalGRPCPort: 50002
              metricsPort: 9090
              profilePort: 7777
              resourcesPath: ./res
              env:
                KEY: value
              appLogDestination: file
            - appDirPath: ./backend
            """);

        Assert.Equal(1, document.Version);
        Assert.Equal("shop", document.Name);
        Assert.Equal(["./components"], document.Common.ResourcesPaths);
        Assert.Equal("./config.yaml", document.Common.ConfigFilePath);
        Assert.Equal(new Dictionary<string, string> { ["DEBUG"] = "true", ["LEVEL"] = "3" }, document.Common.Env);
        Assert.True(document.Common.EnableApiLogging);
        Assert.Equal("8Mi", document.Common.MaxBodySize);
        Assert.Equal("console", document.Common.DaprdLogDestination);

        var web = document.Apps[0];
        Assert.Equal("./webapp/", web.AppDirPath);
        Assert.Equal("web", web.AppId);
        Assert.Equal(8080, web.AppPort);
        Assert.Equal(["dotnet", "run"], web.Command);
        Assert.Equal("127.0.0.2", web.AppChannelAddress);
        Assert.Equal((3500, 50001, 50002, 9090, 7777), (web.DaprHttpPort, web.DaprGrpcPort, web.DaprInternalGrpcPort, web.MetricsPort, web.ProfilePort));
        Assert.Equal("./res", web.Shared.ResourcesPath);
        Assert.Equal(new Dictionary<string, string> { ["KEY"] = "value" }, web.Shared.Env);
        Assert.Equal("file", web.Shared.AppLogDestination);

        var backend = document.Apps[1];
        Assert.Equal(1, backend.Index);
        Assert.Null(backend.AppId);
        Assert.Equal(0, backend.AppPort);
        Assert.Empty(backend.Command);
        Assert.Null(backend.Shared.Env);
        Assert.Empty(document.Warnings);
    }

    [Theory]
    [InlineData("version: one", "version: 'one' is not a whole number (line 1)")]
    [InlineData("version: 1\napps:\n- appDirPath: .\n  appPort: abc", "apps[0].appPort: 'abc' is not a whole number (line 4)")]
    [InlineData("version: 1\napps:\n- appDirPath: .\n  command: dotnet run", "apps[0].command: must be a list, e.g. [\"dotnet\", \"run\"] (line 4)")]
    [InlineData("version: 1\ncommon:\n  enableApiLogging: sometimes", "common.enableApiLogging: 'sometimes' is not true or false (line 3)")]
    [InlineData("version: 1\napps:\n  appDirPath: .", "apps: must be a list (line 3)")]
    [InlineData("version: 1\ncommon:\n  env: [A, B]", "common.env: must be a mapping (key: value pairs) (line 3)")]
    [InlineData("version: 1\napps:\n- appDirPath: .\n  containerImagePullPolicy: Sometimes", "apps[0].containerImagePullPolicy: invalid containerImagePullPolicy: Sometimes")]
    [InlineData("version: [1", "(file): is not valid YAML")]
    public void Wrong_values_name_the_file_the_field_and_the_line(string yaml, string message)
    {
        var error = Assert.Throws<RunFileException>(() => RunFileParser.Parse(File, yaml));

        Assert.StartsWith($"{File}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_has_no_version()
    {
        var error = Assert.Throws<RunFileException>(() => RunFileParser.Parse(File, ""));

        Assert.Equal("version", error.Field);
    }

    [Fact]
    public void Unknown_keys_are_ignored_with_a_warning_that_suggests_the_right_spelling()
    {
        var document = RunFileParser.Parse(File, """
            version: 1
            common:
              appPort: 3000
            apps:
            - appDirPath: .
              appId: web
              flavour: vanilla
            """);

        Assert.Null(document.Apps[0].AppId);
        Assert.Equal(
        [
            $"{File}: common.appPort: only valid for an app (under apps), ignored (line 3)",
            $"{File}: apps[0].appId: unknown field, ignored; did you mean 'appID'? (line 6)",
            $"{File}: apps[0].flavour: unknown field, ignored (line 7)",
        ], document.Warnings);
    }

    [Fact]
    public void Resources_paths_may_be_written_comma_separated_as_the_docs_show()
    {
        var document = RunFileParser.Parse(File, "version: 1\ncommon:\n  resourcesPaths: ./a, ./b\n");

        Assert.Equal(["./a", "./b"], document.Common.ResourcesPaths);
    }
}
