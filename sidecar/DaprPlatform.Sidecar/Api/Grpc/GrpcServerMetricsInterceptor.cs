using System.Diagnostics;
using DaprPlatform.Sidecar.Runtime.Metrics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace DaprPlatform.Sidecar.Api.Grpc;

/// <summary>
/// Counts and times every call of the gRPC API, as daprd's gRPC server monitoring does
/// (dapr_grpc_io_server_completed_rpcs / _server_latency by method and final status); it runs outside
/// <see cref="GrpcErrorInterceptor"/>, so it sees the status the client gets.
/// </summary>
public sealed class GrpcServerMetricsInterceptor(SidecarMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.Unknown;
        long sent = 0;
        try
        {
            var response = await continuation(request, context);
            status = context.Status.StatusCode;
            sent = metrics.Enabled ? Size(response) : 0;
            return response;
        }
        catch (Exception e)
        {
            status = StatusOf(e);
            throw;
        }
        finally
        {
            metrics.RecordGrpcServerCall(context.Method, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, metrics.Enabled ? (Size(request), sent) : null);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.Unknown;
        try
        {
            await continuation(request, responseStream, context);
            status = context.Status.StatusCode;
        }
        catch (Exception e)
        {
            status = StatusOf(e);
            throw;
        }
        finally
        {
            metrics.RecordGrpcServerCall(context.Method, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static long Size(object? message) => message is IMessage protobuf ? protobuf.CalculateSize() : 0;

    private static StatusCode StatusOf(Exception exception) => exception switch
    {
        RpcException rpc => rpc.StatusCode,
        OperationCanceledException => StatusCode.Cancelled,
        _ => StatusCode.Unknown,
    };
}
