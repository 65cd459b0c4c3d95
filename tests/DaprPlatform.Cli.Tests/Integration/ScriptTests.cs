using DaprPlatform.Cli.Tests.Support;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Cli.Tests.Integration;

/// <summary>The ./dapr-dev script: prerequisites, the one-time Release build into .artifacts/, and pass-through.</summary>
[Collection(CliProcessCollection.Name)]
public sealed class ScriptTests : IDisposable
{
    // The first build compiles the sidecar and the CLI from scratch into .artifacts/.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    private static readonly string Script = RepositoryRoot.Combine("dapr-dev");

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Without_dotnet_it_says_how_to_install_it()
    {
        var bin = _temp.Directory("bin");
        foreach (var tool in new[] { "bash", "dirname" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, tool), Which(tool));
        }

        await using var script = ManagedProcess.Start(
            Path.Combine(bin, "bash"), [Script, "--help"], new Dictionary<string, string?> { ["PATH"] = bin });

        Assert.Equal(1, await script.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains("the 'dotnet' command was not found", script.Output, StringComparison.Ordinal);
        Assert.Contains("dotnet-install.sh", script.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_builds_once_then_passes_arguments_and_the_callers_environment_through()
    {
        var appId = CliTestContext.UniqueAppId("script");
        var environment = new Dictionary<string, string?>
        {
            ["APP_API_TOKEN"] = "token-through-the-script",
            ["DAPR_DEV_HOME"] = _temp.Directory("dev-home"),
            ["DAPR_DEV_DAPRD"] = null,
        };

        await using (var run = ManagedProcess.Start(
            "bash", [Script, "run", "--app-id", appId, "--", "sh", "-c", "echo \"TOKEN=$APP_API_TOKEN ID=$APP_ID\""], environment))
        {
            Assert.True(await run.WaitForExitAsync(BuildTimeout, TestContext.Current.CancellationToken) == 0, run.Describe());
            Assert.Contains($"== APP == TOKEN=token-through-the-script ID={appId}", run.Output, StringComparison.Ordinal);
            Assert.Contains("Exited Dapr successfully", run.Output, StringComparison.Ordinal);
        }

        var stamp = RepositoryRoot.Combine(".artifacts", "dapr-dev.build-stamp");
        Assert.True(File.Exists(stamp), "no build stamp after a run");
        var stampTime = File.GetLastWriteTimeUtc(stamp);

        await using var help = ManagedProcess.Start("bash", [Script, "--help"], environment);

        Assert.True(await help.WaitForExitAsync(BuildTimeout, TestContext.Current.CancellationToken) == 0, help.Describe());
        Assert.Contains("Available Commands:", help.Output, StringComparison.Ordinal);
        // Another edit to sidecar/ or cli/ since the stamp legitimately triggers a build; otherwise there must be none.
        var sourcesChanged = SourcesNewerThan(stampTime);
        Assert.True(
            help.Output.Contains("building the sidecar", StringComparison.Ordinal) == sourcesChanged,
            $"sources changed since the last build: {sourcesChanged}\n{help.Describe()}");
        await ProcessAssert.NoProcessMentioningAsync(appId, help.Describe());
    }

    private static bool SourcesNewerThan(DateTime stampTime) =>
        new[] { "sidecar", "cli" }
            .SelectMany(dir => Directory.EnumerateFiles(RepositoryRoot.Combine(dir), "*", SearchOption.AllDirectories))
            .Where(file => !file.Contains("/bin/", StringComparison.Ordinal) && !file.Contains("/obj/", StringComparison.Ordinal))
            .Any(file => File.GetLastWriteTimeUtc(file) > stampTime);

    private static string Which(string tool) =>
        new[] { "/usr/bin", "/bin", "/usr/local/bin" }.Select(dir => Path.Combine(dir, tool)).First(File.Exists);
}
