namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>Writes the messages of a server-streaming response. Safe to call from several tasks; writes are serialized.</summary>
public interface IServerStreamWriter<in T>
{
    /// <summary>Sends one message and flushes it to the client.</summary>
    /// <exception cref="OperationCanceledException">The call was cancelled or its deadline passed.</exception>
    /// <exception cref="InvalidOperationException">The call has already completed.</exception>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
