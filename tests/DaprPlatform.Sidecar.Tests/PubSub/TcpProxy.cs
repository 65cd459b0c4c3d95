using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using DaprPlatform.Testing;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>
/// A TCP forwarder on a free local port, so a test can cut a client's connections to a server (RabbitMQ) without
/// stopping the server that other tests share. New connections are forwarded again right after a cut.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly Task _accepting;
    private volatile TaskCompletionSource _flowing = Flowing();

    public TcpProxy(int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        Port = FreePort.Get();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>How many client connections were accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>
    /// The first this many connections are accepted and then held without a byte forwarded either way, as a server
    /// that took the connection and hung would.
    /// </summary>
    public int HoldFirst { get; set; }

    /// <summary>While true, new connections are reset as soon as they are accepted, as a server that is down would.</summary>
    public bool Refusing { get; set; }

    /// <summary>Holds every byte in both directions until <see cref="Resume"/>, as a hung network or server would.</summary>
    public void Stall()
    {
        if (_flowing.Task.IsCompleted)
        {
            _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Forwards the bytes held since <see cref="Stall"/>, and any later ones.</summary>
    public void Resume() => _flowing.TrySetResult();

    /// <summary>Resets every open connection, as a network failure would.</summary>
    public void CutConnections()
    {
        foreach (var socket in _sockets.Keys)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        _sockets.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutConnections();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Accepted++;
            if (Accepted <= HoldFirst)
            {
                _sockets[client] = 0;
                continue;
            }

            if (Refusing)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }

            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Close();
                server.Close();
                continue;
            }

            _sockets[client] = 0;
            _sockets[server] = 0;
            _ = PumpAsync(client, server);
            _ = PumpAsync(server, client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                await _flowing.Task.WaitAsync(_stop.Token);
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Cut or closed: end both directions.
        }

        foreach (var socket in (ReadOnlySpan<Socket>)[from, to])
        {
            _sockets.TryRemove(socket, out _);
            try
            {
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
