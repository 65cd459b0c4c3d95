using DaprPlatform.Testing;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>`./dapr-dev demo` against the running platform, as the README tells a new user to run it.</summary>
public sealed class DemoCommandTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_demo_narrates_a_confirmed_an_approved_and_a_compensated_order()
    {
        await using var demo = ManagedProcess.Start(
            "bash", [RepositoryRoot.Combine("dapr-dev"), "demo", "--gateway", platform.GatewayUrl.ToString(), "--secrets-file", platform.SecretsFile],
            workingDirectory: RepositoryRoot.Path);

        var exitCode = await demo.WaitForExitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, demo.Describe());
        Assert.Contains("saga › approval: Waiting", demo.Output, StringComparison.Ordinal);
        Assert.Contains("saga › release-inventory: Compensated", demo.Output, StringComparison.Ordinal);
        Assert.Contains("cancelled because: payment declined", demo.Output, StringComparison.Ordinal);
        Assert.Contains("Demo finished", demo.Output, StringComparison.Ordinal);
    }
}
