using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace DaprPlatform.Testing;

/// <summary>Free TCP ports on 127.0.0.1, chosen by the kernel.</summary>
public static class FreePort
{
    // The kernel may hand the same port out again once it is released; tests that ask for several ports
    // before anything binds them must still get distinct ones.
    private static readonly ConcurrentDictionary<int, byte> HandedOut = new();

    public static int Get()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            if (HandedOut.TryAdd(port, 0))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No unused free port found after 100 attempts.");
    }
}
