using System.Buffers;
using System.Net;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// A request body passed on as it arrives: each chunk read from the incoming request is written and flushed to the
/// outgoing connection at once, so neither a large upload is held in memory nor a slow producer's data held back.
/// The source can be read once; the <see cref="StreamReadTracker"/> records whether it was, which decides if a
/// failed send may be repeated with a new content over the same source.
/// </summary>
public sealed class StreamingBodyContent : HttpContent
{
    private const int BufferSize = 16 * 1024;
    private readonly Stream _source;
    private readonly StreamReadTracker _tracker;

    public StreamingBodyContent(Stream source, long? length, StreamReadTracker? tracker = null)
    {
        _source = source;
        _tracker = tracker ?? new StreamReadTracker();
        Headers.ContentLength = length;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (!_tracker.TryStart())
        {
            throw new InvalidOperationException("a streamed request body can only be sent once");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await _source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Headers.ContentLength ?? 0;
        return Headers.ContentLength is not null;
    }
}

/// <summary>Whether a one-time request body has begun to be read.</summary>
public sealed class StreamReadTracker
{
    private int _started;

    public bool Started => Volatile.Read(ref _started) != 0;

    public bool TryStart() => Interlocked.Exchange(ref _started, 1) == 0;
}
