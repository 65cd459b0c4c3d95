using DaprPlatform.Dapr.Grpc.Client;

namespace DaprPlatform.Dapr.Workflow;

/// <summary>The one gRPC channel to the sidecar's workflow API, shared by the worker and the client (owned by DI).</summary>
internal sealed class WorkflowSidecarChannel : IDisposable
{
    public WorkflowSidecarChannel(DaprWorkflowOptions options)
    {
        var channelOptions = new GrpcChannelOptions { MaxReceiveMessageSize = options.MaxReceiveMessageSize };
        if (!string.IsNullOrEmpty(options.ApiToken))
        {
            channelOptions.DefaultHeaders.Add(new("dapr-api-token", options.ApiToken));
        }

        Channel = GrpcChannel.ForAddress(options.GetGrpcEndpointUri(), channelOptions);
    }

    public GrpcChannel Channel { get; }

    public void Dispose() => Channel.Dispose();
}
