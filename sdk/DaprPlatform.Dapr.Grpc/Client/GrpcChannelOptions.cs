namespace DaprPlatform.Dapr.Grpc.Client;

public sealed class GrpcChannelOptions
{
    /// <summary>
    /// The handler to send calls through. When null the channel creates one <see cref="System.Net.Http.SocketsHttpHandler"/>
    /// (HTTP/2 with multiple connections) and owns it.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/>. Ignored for the channel's own handler.</summary>
    public bool DisposeHttpHandler { get; set; }

    /// <summary>Largest accepted response message (RESOURCE_EXHAUSTED beyond). Null = no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message the channel will send. Null = no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Metadata sent with every call, e.g. <c>dapr-api-token</c>.</summary>
    public IList<KeyValuePair<string, string>> DefaultHeaders { get; } = [];
}
