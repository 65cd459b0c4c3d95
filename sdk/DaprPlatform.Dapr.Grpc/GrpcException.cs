namespace DaprPlatform.Dapr.Grpc;

/// <summary>
/// A gRPC call ended with a non-OK status. Server handlers throw it to answer with that status; the client
/// throws it when the server (or the transport) ended a call with that status.
/// </summary>
public sealed class GrpcException : Exception
{
    public GrpcException(StatusCode statusCode, string? detail = null, Exception? innerException = null)
        : base(FormatMessage(statusCode, detail), innerException)
    {
        StatusCode = statusCode;
        Detail = detail ?? string.Empty;
    }

    public StatusCode StatusCode { get; }

    /// <summary>The status message (sent as <c>grpc-message</c>).</summary>
    public string Detail { get; }

    private static string FormatMessage(StatusCode statusCode, string? detail) =>
        string.IsNullOrEmpty(detail)
            ? $"Status(StatusCode=\"{statusCode}\")"
            : $"Status(StatusCode=\"{statusCode}\", Detail=\"{detail}\")";
}
