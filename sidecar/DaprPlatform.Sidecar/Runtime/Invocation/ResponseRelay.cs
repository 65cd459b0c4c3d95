using System.Buffers;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// Writes a target's response back to the caller verbatim: status, headers (hop-by-hop dropped) and the body
/// flushed chunk by chunk, so streamed responses and server-sent events reach the caller as they are produced.
/// </summary>
public static class ResponseRelay
{
    private const int BufferSize = 16 * 1024;

    /// <summary>daprd treats a request as SSE when Accept is exactly text/event-stream.</summary>
    public static bool IsServerSentEvents(HttpRequest request) =>
        request.Headers.Accept.ToString().Trim().Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);

    public static async Task RelayAsync(HttpResponseMessage source, HttpContext context, bool serverSentEvents, CancellationToken cancellationToken)
    {
        var response = context.Response;
        var status = (int)source.StatusCode;
        response.StatusCode = status;
        InvocationHeaders.CopyResponseHeaders(source, response.Headers);

        if (serverSentEvents)
        {
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
        }
        else if (source.Content.Headers.ContentLength is { } length && status is not (204 or 304) && status >= 200)
        {
            response.ContentLength = length;
        }

        await using var body = await source.Content.ReadAsStreamAsync(cancellationToken);
        if (serverSentEvents || !response.ContentLength.HasValue)
        {
            await CopyFlushingAsync(body, response, cancellationToken);
        }
        else
        {
            await CopyAsync(body, response, cancellationToken);
        }
    }

    /// <summary>Writes a response that was read whole (a failed attempt kept for the resiliency policy).</summary>
    public static async Task WriteBufferedAsync(HttpContext context, BufferedResponse buffered, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = buffered.Status;
        foreach (var (name, values) in buffered.Headers)
        {
            response.Headers.Append(name, values);
        }

        response.ContentLength = buffered.Body.Length;
        await response.Body.WriteAsync(buffered.Body, cancellationToken);
    }

    /// <summary>
    /// A body of known length: the headers go out with its first chunk, and each chunk is sent as it arrives (Kestrel
    /// flushes every write). Starting the response and flushing again separately would hand the socket send to
    /// another thread twice per response for nothing the caller can see.
    /// </summary>
    private static async Task CopyAsync(Stream body, HttpResponse response, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A stream of unknown length or server-sent events: the headers go out at once, before the first chunk exists,
    /// and every chunk is flushed as it arrives.
    /// </summary>
    private static async Task CopyFlushingAsync(Stream body, HttpResponse response, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await response.StartAsync(cancellationToken);
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>A whole response: status, headers and body.</summary>
public sealed record BufferedResponse(int Status, IHeaderDictionary Headers, byte[] Body)
{
    public static async Task<BufferedResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = new HeaderDictionary();
        InvocationHeaders.CopyResponseHeaders(response, headers);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new BufferedResponse((int)response.StatusCode, headers, body);
    }
}
