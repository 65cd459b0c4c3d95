using System.Net;
using System.Net.Sockets;
using DaprPlatform.Cli.Launch;
using Xunit;

namespace DaprPlatform.Cli.Tests.Launch;

public sealed class PortAllocatorTests
{
    [Fact]
    public void Missing_ports_are_free_and_distinct_across_apps()
    {
        var allocator = new PortAllocator();

        var ports = Enumerable.Range(0, 5)
            .Select(i => allocator.Allocate(new AppLaunchSpec { AppId = $"app{i}", WorkingDirectory = "/" }))
            .SelectMany(p => new[] { p.Http, p.Grpc, p.InternalGrpc, p.Metrics })
            .ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port => Assert.InRange(port, 1024, 65535));
    }

    [Fact]
    public void A_requested_port_that_is_in_use_is_refused_with_the_clis_message()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var busy = ((IPEndPoint)listener.LocalEndpoint).Port;

        var error = Assert.Throws<PortUnavailableException>(() =>
            new PortAllocator().Allocate(new AppLaunchSpec { AppId = "x", WorkingDirectory = "/", HttpPort = busy }));

        Assert.Equal($"invalid configuration for daprHTTPPort. Port {busy} is not available", error.Message);
    }

    [Fact]
    public void A_requested_free_port_is_used_as_given()
    {
        int free;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            free = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var ports = new PortAllocator().Allocate(new AppLaunchSpec { AppId = "x", WorkingDirectory = "/", GrpcPort = free });

        Assert.Equal(free, ports.Grpc);
    }

    [Fact]
    public void The_apps_own_port_is_never_handed_to_a_sidecar()
    {
        var appPort = FreeLoopbackPort();

        var sameApp = Assert.Throws<PortUnavailableException>(() =>
            new PortAllocator().Allocate(new AppLaunchSpec { AppId = "x", WorkingDirectory = "/", AppPort = appPort, HttpPort = appPort }));
        var laterApp = Assert.Throws<PortUnavailableException>(() =>
            new PortAllocator([appPort]).Allocate(new AppLaunchSpec { AppId = "first", WorkingDirectory = "/", GrpcPort = appPort }));

        Assert.Contains($"Port {appPort} is not available", sameApp.Message, StringComparison.Ordinal);
        Assert.Contains($"Port {appPort} is not available", laterApp.Message, StringComparison.Ordinal);
    }

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
