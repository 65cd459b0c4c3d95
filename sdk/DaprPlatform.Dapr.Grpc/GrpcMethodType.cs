namespace DaprPlatform.Dapr.Grpc;

/// <summary>The call shapes this gRPC implementation supports.</summary>
public enum GrpcMethodType
{
    Unary,
    ServerStreaming,
}
