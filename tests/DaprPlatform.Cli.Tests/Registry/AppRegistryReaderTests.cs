using DaprPlatform.Cli.Registry;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.Registry;

public sealed class AppRegistryReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Reads_the_sidecars_entries_and_tolerates_what_it_does_not_know()
    {
        _temp.File("registry/orders/a1.json", """
            {"appId":"orders","namespace":"default","host":"127.0.0.1","internalPort":50002,"httpPort":3500,"pid":100,"startedAt":"2026-11-21T05:00:00+00:00","future":{"x":1}}
            """);
        _temp.File("registry/stock/b2.json", """{"APPID":"stock","HttpPort":"3600","PID":"101"}""");
        _temp.File("registry/ghost/c3.json", """{"appId":"ghost","httpPort":3700,"pid":999}""");
        _temp.File("registry/broken/d4.json", "{not json");
        _temp.File("registry/orders/.e5.tmp", "{}");
        _temp.File("registry/nameless/f6.json", "{}");

        var apps = AppRegistryReader.Read(_temp.Path, pid => pid != 999);

        Assert.Equal(["nameless", "orders", "stock"], apps.Select(a => a.AppId));
        var orders = apps[1];
        Assert.Equal(("a1", 3500, 100), (orders.InstanceId, orders.HttpPort, orders.DaprdPid));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 5, 0, 0, TimeSpan.Zero), orders.StartedAt);
        Assert.Equal((3600, 101), (apps[2].HttpPort, apps[2].DaprdPid));
        Assert.Null(apps[0].HttpPort);
    }

    [Fact]
    public void No_registry_means_no_apps()
    {
        Assert.Empty(AppRegistryReader.Read(Path.Combine(_temp.Path, "nothing-here"), _ => true));
    }
}
