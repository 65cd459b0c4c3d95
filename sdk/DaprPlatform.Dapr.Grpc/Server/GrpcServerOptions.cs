namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>Limits applied to every method of a mapped gRPC service.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest accepted request message; larger ones fail with RESOURCE_EXHAUSTED. Null = no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message the server will send. Null = no limit.</summary>
    public int? MaxSendMessageSize { get; set; }
}
