namespace DaprPlatform.Dapr.Grpc;

/// <summary>Header names and defaults of the gRPC over HTTP/2 protocol (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md).</summary>
public static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";

    /// <summary>The gRPC default limit for a received message (4 MB), used unless configured otherwise.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>5 bytes: the compressed flag and a 4-byte big-endian message length.</summary>
    public const int MessageHeaderSize = 5;

    /// <summary>True for <c>application/grpc</c> and <c>application/grpc+proto</c> (parameters allowed).</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(ContentType.Length);
        var parameters = rest.IndexOf(';');
        if (parameters >= 0)
        {
            rest = rest[..parameters];
        }

        rest = rest.Trim();
        return rest.IsEmpty || rest.Equals("+proto", StringComparison.OrdinalIgnoreCase);
    }
}
