using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// Reads a request body whole. A declared length above the server's body limit is refused (413) before anything is
/// allocated: Kestrel itself would refuse it only when the body is read, after the buffer for it was made.
/// </summary>
public static class RequestBody
{
    private const int MaxPooledLength = 64 * 1024;

    /// <summary>The whole body in an array of its own.</summary>
    public static async Task<byte[]> ReadAllAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            RefuseIfTooLarge(request, length);
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, cancellationToken);
            return buffer;
        }

        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }

    /// <summary>
    /// The whole body, for code that needs it only while the request runs (a publish wraps it in an envelope): a body
    /// of known, modest length is held in a buffer rented from the shared pool, which disposing the result returns.
    /// </summary>
    public static async Task<PooledBody> ReadPooledAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is not (long length and <= MaxPooledLength))
        {
            return new PooledBody(null, await ReadAllAsync(request, cancellationToken));
        }

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

    private static void RefuseIfTooLarge(HttpRequest request, long length)
    {
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? Array.MaxLength;
        if (length > Math.Min(limit, Array.MaxLength))
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
    }
}

/// <summary>A body read by <see cref="RequestBody.ReadPooledAsync"/>; disposing it returns a rented buffer.</summary>
public sealed class PooledBody : IDisposable
{
    private byte[]? _rented;

    internal PooledBody(byte[]? rented, ReadOnlyMemory<byte> memory)
    {
        _rented = rented;
        Memory = memory;
    }

    public ReadOnlyMemory<byte> Memory { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
