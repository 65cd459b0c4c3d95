using Google.Protobuf;

namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>Streams response messages of one server-streaming call; serializes concurrent writers.</summary>
internal sealed class HttpResponseStreamWriter<T>(ServerCall call) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _completed;

    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completed)
        {
            throw CompletedException();
        }

        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, cancellationToken)
            : null;
        var token = linked?.Token ?? call.CancellationToken;

        await _gate.WaitAsync(token);
        try
        {
            if (_completed)
            {
                throw CompletedException();
            }

            await call.WriteMessageAsync(message, token);
        }
        finally
        {
            _gate.Release();
        }
    }

    private InvalidOperationException CompletedException() =>
        new($"Cannot write to the response stream of {call.Method}: the call has completed.");

    /// <summary>Stops further writes; waits for a write in progress so the status is never interleaved with a message.</summary>
    public async Task CompleteAsync()
    {
        await _gate.WaitAsync();
        _completed = true;
        _gate.Release();
    }
}
