using DaprPlatform.Cli.Infra;
using DaprPlatform.Cli.Output;
using DaprPlatform.Cli.Supervision;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.Infra;

/// <summary>`up`'s servers are installed when missing before they start (infra/install.sh servers, then start.sh).</summary>
public sealed class LocalInfrastructureTests : IDisposable
{
    private readonly TempDirectory _repo = new();

    [Fact]
    public async Task The_servers_are_installed_before_they_are_started()
    {
        WriteScript("install.sh", "exit 0");
        WriteScript("start.sh", "printf 'export DAPRPLATFORM_REDIS_HOST=127.0.0.1:1\\n' > \"$1/infra.env\"");

        using var signal = new ShutdownSignal();
        var variables = await Infrastructure().StartAsync(signal);

        Assert.Equal(["install.sh servers", $"start.sh {InfraDirectory}"], File.ReadAllLines(CallsFile));
        Assert.Equal("127.0.0.1:1", variables["DAPRPLATFORM_REDIS_HOST"]);
    }

    [Fact]
    public async Task A_failed_install_stops_up_before_any_server_starts()
    {
        WriteScript("install.sh", "exit 1");
        WriteScript("start.sh", "exit 0");

        using var signal = new ShutdownSignal();
        var failure = await Assert.ThrowsAsync<LaunchException>(() => Infrastructure().StartAsync(signal));

        Assert.Contains("infra/install.sh servers failed with exit code 1", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["install.sh servers"], File.ReadAllLines(CallsFile));
    }

    public void Dispose() => _repo.Dispose();

    private string CallsFile => Path.Combine(_repo.Path, "calls");

    private string InfraDirectory => Path.Combine(_repo.Path, "servers");

    private LocalInfrastructure Infrastructure() => new(
        _repo.Path, InfraDirectory, new Reporter(TextWriter.Null, TextWriter.Null),
        new CliEnvironment(TextWriter.Null, TextWriter.Null, new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "" }, _repo.Path));

    // Each script records how it was called, then does what the test says.
    private void WriteScript(string name, string body) =>
        _repo.File(Path.Combine("infra", name), $"echo \"$(basename \"$0\") $*\" >> '{CallsFile}'\n{body}\n");
}
