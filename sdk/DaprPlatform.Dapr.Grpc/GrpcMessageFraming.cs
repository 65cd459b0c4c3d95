using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace DaprPlatform.Dapr.Grpc;

/// <summary>
/// Length-prefixed message framing: 1-byte compressed flag, 4-byte big-endian length, then the protobuf bytes.
/// Compression is never negotiated (we answer <c>grpc-accept-encoding: identity</c>), so compressed frames are
/// rejected the way grpc-dotnet rejects them.
/// </summary>
public static class GrpcMessageFraming
{
    /// <summary>
    /// Reads the next message, or null when the stream ended cleanly between messages.
    /// </summary>
    /// <param name="messageEncoding">The peer's <c>grpc-encoding</c> header, used only to word the rejection of a compressed frame.</param>
    /// <exception cref="GrpcException">RESOURCE_EXHAUSTED for an oversized message; INTERNAL for a truncated or
    /// undecodable message; UNIMPLEMENTED/INTERNAL for a compressed frame.</exception>
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader,
        MessageParser<T> parser,
        int? maxMessageSize,
        string? messageEncoding,
        CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;

            if (TryGetFrame(buffer, maxMessageSize, messageEncoding, out var payload))
            {
                try
                {
                    return parser.ParseFrom(payload);
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new GrpcException(StatusCode.Internal, "Error deserializing message.", ex);
                }
                finally
                {
                    reader.AdvanceTo(payload.End);
                }
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.IsEmpty ? null : throw new GrpcException(StatusCode.Internal, "Incomplete message.");
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException(cancellationToken);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Writes one framed message into <paramref name="writer"/> (the caller flushes).</summary>
    /// <exception cref="GrpcException">RESOURCE_EXHAUSTED when the message is larger than <paramref name="maxMessageSize"/>.</exception>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message, int? maxMessageSize)
    {
        var size = GetCheckedSize(message, maxMessageSize);
        var frameLength = GrpcProtocol.MessageHeaderSize + size;
        var span = writer.GetSpan(frameLength)[..frameLength];
        WriteHeader(span, size);
        message.WriteTo(span[GrpcProtocol.MessageHeaderSize..]);
        writer.Advance(frameLength);
    }

    /// <summary>Returns one framed message as a new array (used for request bodies).</summary>
    public static byte[] ToFramedBytes(IMessage message, int? maxMessageSize)
    {
        var size = GetCheckedSize(message, maxMessageSize);
        var frame = new byte[GrpcProtocol.MessageHeaderSize + size];
        WriteHeader(frame, size);
        message.WriteTo(frame.AsSpan(GrpcProtocol.MessageHeaderSize));
        return frame;
    }

    private static int GetCheckedSize(IMessage message, int? maxMessageSize)
    {
        var size = message.CalculateSize();
        if (size > maxMessageSize)
        {
            throw new GrpcException(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.");
        }

        return size;
    }

    private static void WriteHeader(Span<byte> frame, int size)
    {
        frame[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..], (uint)size);
    }

    private static bool TryGetFrame(
        ReadOnlySequence<byte> buffer,
        int? maxMessageSize,
        string? messageEncoding,
        out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < GrpcProtocol.MessageHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcProtocol.MessageHeaderSize];
        buffer.Slice(0, GrpcProtocol.MessageHeaderSize).CopyTo(header);

        switch (header[0])
        {
            case 0:
                break;
            case 1 when string.IsNullOrEmpty(messageEncoding) || messageEncoding == GrpcProtocol.IdentityEncoding:
                throw new GrpcException(StatusCode.Internal, "Message is compressed but no grpc-encoding was negotiated.");
            case 1:
                throw new GrpcException(
                    StatusCode.Unimplemented,
                    $"Unsupported grpc-encoding value '{messageEncoding}'. Supported encodings: {GrpcProtocol.IdentityEncoding}");
            default:
                throw new GrpcException(StatusCode.Internal, $"Unexpected compressed flag value {header[0]} in message header.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)(maxMessageSize ?? int.MaxValue))
        {
            throw new GrpcException(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size.");
        }

        if (buffer.Length - GrpcProtocol.MessageHeaderSize < length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcProtocol.MessageHeaderSize, length);
        return true;
    }
}
