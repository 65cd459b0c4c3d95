using System.Collections;
using DaprPlatform.Sidecar.Hosting;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

public sealed class CommandLineTests
{
    private static readonly IDictionary NoEnvironment = new Hashtable();

    [Fact]
    public void Accepts_every_go_flag_spelling()
    {
        var options = CommandLine.Parse(
            ["--app-id", "orders", "-app-port=5000", "--dapr-http-port=3600", "-dapr-grpc-port", "50009", "--resources-path", "a", "--resources-path=b", "--enable-api-logging"],
            NoEnvironment);

        Assert.Equal("orders", options.AppId);
        Assert.Equal(5000, options.AppPort);
        Assert.Equal(3600, options.HttpPort);
        Assert.Equal(50009, options.GrpcPort);
        Assert.Equal(["a", "b"], options.ResourcesPaths);
        Assert.True(options.EnableApiLogging);
    }

    [Fact]
    public void Uses_daprd_defaults()
    {
        var options = CommandLine.Parse(["--app-id", "x"], NoEnvironment);

        Assert.Equal(3500, options.HttpPort);
        Assert.Equal(50001, options.GrpcPort);
        Assert.Equal(9090, options.MetricsPort);
        Assert.Null(options.AppPort);
        Assert.Equal("http", options.AppProtocol);
        Assert.Equal("default", options.Namespace);
    }

    [Fact]
    public void Reads_tokens_and_namespace_from_the_environment()
    {
        var env = new Hashtable { ["DAPR_API_TOKEN"] = "api", ["APP_API_TOKEN"] = "app", ["NAMESPACE"] = "prod" };

        var options = CommandLine.Parse(["--app-id", "x"], env);

        Assert.Equal("api", options.ApiToken);
        Assert.Equal("app", options.AppApiToken);
        Assert.Equal("prod", options.Namespace);
    }

    [Theory]
    [InlineData(new[] { "--no-such-flag", "1" }, "flag provided but not defined: -no-such-flag")]
    [InlineData(new[] { "--app-port", "abc" }, "invalid value \"abc\" for flag -app-port")]
    [InlineData(new[] { "--app-id" }, "flag needs an argument: -app-id")]
    [InlineData(new[] { "--app-protocol", "smtp" }, "invalid value \"smtp\" for flag -app-protocol")]
    [InlineData(new[] { "--app-id", "a.b" }, "invalid app id 'a.b'")]
    [InlineData(new[] { "stray" }, "unexpected argument 'stray'")]
    public void Rejects_bad_command_lines_with_daprds_message(string[] args, string expected)
    {
        var e = Assert.Throws<CommandLineException>(() => CommandLine.Parse(args, NoEnvironment));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4Mi", 4L * 1024 * 1024)]
    [InlineData("512Ki", 512L * 1024)]
    [InlineData("8", 8L * 1024 * 1024)]
    public void Parses_body_size_units(string size, long bytes)
    {
        var options = CommandLine.Parse(["--max-body-size", size], NoEnvironment);

        Assert.Equal(bytes, options.MaxBodySizeBytes);
    }
}
