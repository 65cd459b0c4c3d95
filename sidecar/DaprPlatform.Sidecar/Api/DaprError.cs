using Grpc.Core;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// An API error as daprd reports it (its messages.APIError): an HTTP status plus the <c>{"errorCode","message"}</c>
/// body on the HTTP API, and a gRPC status with the same message on the gRPC API.
/// </summary>
/// <param name="GrpcStatus">daprd's gRPC code where it is not the one its HTTP status maps to.</param>
public sealed record DaprError(int Status, string ErrorCode, string Message, StatusCode? GrpcStatus = null)
{
    public StatusCode GrpcCode => GrpcStatus ?? Status switch
    {
        400 => StatusCode.InvalidArgument,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.NotFound,
        409 => StatusCode.Aborted,
        413 => StatusCode.ResourceExhausted,
        501 => StatusCode.Unimplemented,
        503 => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    public DaprErrorException ToException() => new(this);

    public RpcException ToRpcException() => new(new Status(GrpcCode, Message));
}

/// <summary>Thrown anywhere below an API route to answer with a daprd error; the error middleware writes it.</summary>
public sealed class DaprErrorException(DaprError error) : Exception(error.Message)
{
    public DaprError Error { get; } = error;
}
