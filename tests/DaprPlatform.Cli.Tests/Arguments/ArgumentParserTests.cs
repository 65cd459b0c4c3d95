using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Commands;
using Xunit;

namespace DaprPlatform.Cli.Tests.Arguments;

public sealed class ArgumentParserTests
{
    [Fact]
    public void Long_short_and_inline_values_are_all_accepted()
    {
        var parsed = RunFlags.Parse(["--app-id", "orders", "-p", "5000", "--dapr-http-port=3600", "-G=50010", "--log-level", "debug"]);

        Assert.Equal("orders", parsed.String("app-id"));
        Assert.Equal(5000, parsed.Int("app-port"));
        Assert.Equal(3600, parsed.Int("dapr-http-port"));
        Assert.Equal(50010, parsed.Int("dapr-grpc-port"));
        Assert.Equal("debug", parsed.String("log-level"));
        Assert.Empty(parsed.Positionals);
    }

    [Fact]
    public void Booleans_take_no_value_unless_given_inline()
    {
        var parsed = RunFlags.Parse(["--enable-api-logging", "--app-ssl=false", "--", "echo"]);

        Assert.True(parsed.Bool("enable-api-logging"));
        Assert.False(parsed.Bool("app-ssl"));
        Assert.Equal(["echo"], parsed.Positionals);
    }

    [Fact]
    public void Everything_after_the_double_dash_is_the_app_command_even_flags()
    {
        var parsed = RunFlags.Parse(["-a", "x", "--", "dotnet", "run", "--urls", "http://+:5000", "-p", "1"]);

        Assert.Equal(["dotnet", "run", "--urls", "http://+:5000", "-p", "1"], parsed.Positionals);
        Assert.False(parsed.Has("app-port"));
    }

    [Fact]
    public void The_first_positional_argument_starts_the_app_command_for_run()
    {
        var parsed = RunFlags.Parse(["-a", "x", "node", "app.js", "--port", "3000"]);

        Assert.Equal(["node", "app.js", "--port", "3000"], parsed.Positionals);
    }

    [Fact]
    public void Resources_paths_repeat_and_split_on_commas()
    {
        var parsed = RunFlags.Parse(["--resources-path", "a,b", "--resources-path", "c"]);

        Assert.Equal(["a", "b", "c"], parsed.List("resources-path"));
    }

    [Theory]
    [InlineData(new[] { "--no-such-flag" }, "unknown flag: --no-such-flag")]
    [InlineData(new[] { "-z" }, "unknown shorthand flag: 'z' in -z")]
    [InlineData(new[] { "--app-port", "abc" }, "invalid argument \"abc\" for \"-p, --app-port\" flag: not a number")]
    [InlineData(new[] { "--app-id" }, "flag needs an argument: --app-id")]
    [InlineData(new[] { "--enable-api-logging=maybe" }, "invalid argument \"maybe\" for \"--enable-api-logging\" flag: must be true or false")]
    public void Bad_command_lines_say_what_is_wrong(string[] args, string message)
    {
        var error = Assert.Throws<CliUsageException>(() => RunFlags.Parse(args));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Commands_without_an_app_command_reject_positional_arguments()
    {
        var error = Assert.Throws<CliUsageException>(() => ArgumentParser.Parse(["extra"], StopCommand.Flags, commandFollows: false));

        Assert.Equal("unexpected argument \"extra\"", error.Message);
    }
}
