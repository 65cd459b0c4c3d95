using DaprPlatform.Cli.State;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.State;

public sealed class RunStateStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_run_files_state_is_found_from_the_run_files_path_alone()
    {
        var state = new RunState("/work/shop/dapr.yaml", 10, DateTimeOffset.UnixEpoch,
            [new RunStateApp("orders", 11, 12, 3500, 50001, 5000, "dotnet run", "/logs/app.log", "/logs/daprd.log")]);

        var written = RunStateStore.Write(_temp.Path, state);

        Assert.Equal(RunStateStore.PathForRunFile(_temp.Path, "/work/shop/dapr.yaml"), written);
        var read = RunStateStore.Read(written);
        Assert.NotNull(read);
        Assert.Equal(state.RunFile, read.RunFile);
        Assert.Equal(state.Apps, read.Apps);
        Assert.NotEqual(written, RunStateStore.PathForRunFile(_temp.Path, "/work/other/dapr.yaml"));
    }

    [Fact]
    public void Unreadable_state_files_are_skipped()
    {
        _temp.File("runs/garbage.json", "{");
        var state = new RunState(null, 10, DateTimeOffset.UnixEpoch, [new RunStateApp("solo", 11, null, 3500, 50001, null, null, null, null)]);
        RunStateStore.Write(_temp.Path, state);

        var all = RunStateStore.ReadAll(_temp.Path).ToList();

        var (path, read) = Assert.Single(all);
        Assert.EndsWith("app-solo-10.json", path, StringComparison.Ordinal);
        Assert.Equal("solo", read.Apps[0].AppId);
    }
}
