using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.Commands;

public sealed class CliApplicationTests
{
    private readonly InProcessCli _cli = new(Path.GetTempPath());

    [Theory]
    [InlineData("")]
    [InlineData("--help")]
    [InlineData("help")]
    public async Task Without_a_command_it_prints_the_commands(string argument)
    {
        Assert.Equal(0, await _cli.RunAsync(argument.Length == 0 ? [] : [argument]));
        Assert.Contains("Available Commands:", _cli.Out, StringComparison.Ordinal);
        foreach (var command in new[] { "run", "stop", "list", "up" })
        {
            Assert.Contains($"\n  {command} ", _cli.Out, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("run", "--dapr-http-port int")]
    [InlineData("stop", "--run-file string")]
    [InlineData("list", "--output string")]
    [InlineData("up", "--infra")]
    public async Task Each_command_has_help(string command, string flag)
    {
        Assert.Equal(0, await _cli.RunAsync(command, "--help"));
        Assert.Contains("Usage:", _cli.Out, StringComparison.Ordinal);
        Assert.Contains(flag, _cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_an_error()
    {
        Assert.Equal(1, await _cli.RunAsync("init"));
        Assert.Contains("unknown command \"init\" for \"dapr-dev\"", _cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_usage_error_points_to_the_commands_help()
    {
        Assert.Equal(1, await _cli.RunAsync("stop"));
        Assert.Contains("stop needs --run-file (-f) or --app-id (-a)", _cli.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'dapr-dev stop --help' for usage.", _cli.Error, StringComparison.Ordinal);
    }
}
