using Grpc.Core;
using Grpc.Core.Interceptors;

namespace DaprPlatform.Sidecar.Api.Grpc;

/// <summary>
/// The gRPC API's counterpart of <see cref="ErrorHandlingMiddleware"/>: a daprd error becomes its gRPC status, and
/// anything unexpected is logged and answered INTERNAL, never a dropped stream.
/// </summary>
public sealed partial class GrpcErrorInterceptor(ILogger<GrpcErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Translate(e, context) is { } status)
        {
            throw status;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Translate(e, context) is { } status)
        {
            throw status;
        }
    }

    private RpcException? Translate(Exception exception, ServerCallContext context) => exception switch
    {
        RpcException => null,
        DaprErrorException e => e.Error.ToRpcException(),
        OperationCanceledException when context.CancellationToken.IsCancellationRequested => null,
        _ => Unexpected(exception, context),
    };

    private RpcException Unexpected(Exception exception, ServerCallContext context)
    {
        LogUnhandled(logger, context.Method, exception);
        return new RpcException(new Status(StatusCode.Internal, "internal error: " + exception.Message));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on gRPC {Method}")]
    private static partial void LogUnhandled(ILogger logger, string method, Exception exception);
}
