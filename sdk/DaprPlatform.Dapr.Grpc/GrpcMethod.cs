using Google.Protobuf;

namespace DaprPlatform.Dapr.Grpc;

/// <summary>
/// Describes one RPC (service, method name, call shape and message types). The same descriptor is used to map the
/// server endpoint and to make client calls, so both sides agree on the path <c>/{Service}/{Method}</c>.
/// </summary>
public sealed class GrpcMethod<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    public GrpcMethod(GrpcMethodType type, string serviceName, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Type = type;
        ServiceName = serviceName;
        Name = name;
        FullName = $"/{serviceName}/{name}";
    }

    public GrpcMethodType Type { get; }

    public string ServiceName { get; }

    public string Name { get; }

    /// <summary>The HTTP/2 path of the method: <c>/{Service}/{Method}</c>.</summary>
    public string FullName { get; }

    public MessageParser<TRequest> RequestParser { get; } = new(() => new TRequest());

    public MessageParser<TResponse> ResponseParser { get; } = new(() => new TResponse());

    public override string ToString() => FullName;
}
