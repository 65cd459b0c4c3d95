using System.Net;
using System.Net.Sockets;

namespace DaprPlatform.Cli.Launch;

/// <summary>
/// Picks the ports of a launch: given ports are checked to be free (as `dapr run` does), missing ones are chosen by
/// the kernel. Ports handed out stay reserved in this allocator, so several sidecars started together never collide,
/// and the apps' own ports are reserved up front: an app binds its port only after its sidecar is healthy, so until
/// then the kernel would happily offer it to a sidecar.
/// </summary>
internal sealed class PortAllocator(IEnumerable<int?>? appPorts = null)
{
    private readonly HashSet<int> _handedOut = [.. (appPorts ?? []).OfType<int>()];
    private readonly Lock _gate = new();

    public AppPorts Allocate(AppLaunchSpec spec)
    {
        if (spec.AppPort is { } appPort)
        {
            lock (_gate)
            {
                _handedOut.Add(appPort);
            }
        }

        return new(
            Take("daprHTTPPort", spec.HttpPort),
            Take("daprGRPCPort", spec.GrpcPort),
            Take("daprInternalGRPCPort", spec.InternalGrpcPort),
            Take("metricsPort", spec.MetricsPort));
    }

    private int Take(string name, int? requested)
    {
        lock (_gate)
        {
            if (requested is { } port and > 0)
            {
                if (!_handedOut.Add(port) || !IsFree(port))
                {
                    throw new PortUnavailableException($"invalid configuration for {name}. Port {port} is not available");
                }

                return port;
            }

            for (var attempt = 0; attempt < 100; attempt++)
            {
                var candidate = FreePort();
                if (_handedOut.Add(candidate))
                {
                    return candidate;
                }
            }

            throw new PortUnavailableException($"no free port found for {name}");
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    // Binding the wildcard address also fails when something listens on 127.0.0.1 only.
    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

internal sealed class PortUnavailableException(string message) : Exception(message);
