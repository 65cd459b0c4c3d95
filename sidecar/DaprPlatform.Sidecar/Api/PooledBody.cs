using System.Buffers;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// A request body read whole, for code that needs it only while the request runs (a publish wraps it in an
/// envelope): a body of known, modest length is held in a buffer rented from the shared pool, which disposing
/// returns, so the common small message costs no allocation of its own.
/// </summary>
public sealed class PooledBody : IDisposable
{
    private const int MaxPooledLength = 64 * 1024;

    private byte[]? _rented;

    private PooledBody(byte[]? rented, ReadOnlyMemory<byte> memory)
    {
        _rented = rented;
        Memory = memory;
    }

    public ReadOnlyMemory<byte> Memory { get; }

    public static async Task<PooledBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and <= MaxPooledLength)
        {
            var rented = ArrayPool<byte>.Shared.Rent((int)length);
            try
            {
                await request.Body.ReadExactlyAsync(rented.AsMemory(0, (int)length), cancellationToken);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(rented);
                throw;
            }

            return new PooledBody(rented, rented.AsMemory(0, (int)length));
        }

        return new PooledBody(null, await ReadAllAsync(request, cancellationToken));
    }

    /// <summary>The whole body in an array of its own.</summary>
    public static async Task<byte[]> ReadAllAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length and <= int.MaxValue)
        {
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, cancellationToken);
            return buffer;
        }

        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
