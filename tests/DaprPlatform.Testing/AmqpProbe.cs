using System.Net.Sockets;

namespace DaprPlatform.Testing;

/// <summary>
/// Whether a RabbitMQ broker is up: it answers the AMQP 0-9-1 protocol header with a Connection.Start frame (type 1).
/// Its listener opens only at the end of its boot, so this is a real readiness signal (as infra/lib.sh's
/// infra_amqp_ready).
/// </summary>
public static class AmqpProbe
{
    private static readonly byte[] ProtocolHeader = "AMQP\0\0\u0009\u0001"u8.ToArray();
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);

    public static async Task<bool> IsReadyAsync(int port, CancellationToken cancellationToken = default)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(AttemptTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, attempt.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(ProtocolHeader, attempt.Token);
            var frameType = new byte[1];
            return await stream.ReadAsync(frameType, attempt.Token) == 1 && frameType[0] == 1;
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
