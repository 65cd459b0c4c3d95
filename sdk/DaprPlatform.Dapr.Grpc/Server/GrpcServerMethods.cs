namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>A unary handler: one request in, one response out.</summary>
public delegate Task<TResponse> UnaryServerMethod<in TRequest, TResponse>(TRequest request, ServerCallContext context);

/// <summary>A server-streaming handler: one request in, any number of responses written to <paramref name="responseStream"/>.</summary>
public delegate Task ServerStreamingServerMethod<in TRequest, out TResponse>(
    TRequest request,
    IServerStreamWriter<TResponse> responseStream,
    ServerCallContext context);
