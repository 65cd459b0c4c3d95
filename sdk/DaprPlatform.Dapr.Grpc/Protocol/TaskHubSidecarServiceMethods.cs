using DaprPlatform.DurableTask.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Dapr.Grpc.Protocol;

/// <summary>
/// The RPCs of Dapr's durabletask <c>TaskHubSidecarService</c> (no proto package, so paths are
/// <c>/TaskHubSidecarService/{Rpc}</c>). Used by the workflow SDK as a client and by the sidecar to map its server.
/// </summary>
public static class TaskHubSidecarServiceMethods
{
    public const string ServiceName = "TaskHubSidecarService";

    public static readonly GrpcMethod<Empty, Empty> Hello = Unary<Empty, Empty>("Hello");

    public static readonly GrpcMethod<CreateInstanceRequest, CreateInstanceResponse> StartInstance =
        Unary<CreateInstanceRequest, CreateInstanceResponse>("StartInstance");

    public static readonly GrpcMethod<GetInstanceRequest, GetInstanceResponse> GetInstance =
        Unary<GetInstanceRequest, GetInstanceResponse>("GetInstance");

    public static readonly GrpcMethod<GetInstanceRequest, GetInstanceResponse> WaitForInstanceStart =
        Unary<GetInstanceRequest, GetInstanceResponse>("WaitForInstanceStart");

    public static readonly GrpcMethod<GetInstanceRequest, GetInstanceResponse> WaitForInstanceCompletion =
        Unary<GetInstanceRequest, GetInstanceResponse>("WaitForInstanceCompletion");

    public static readonly GrpcMethod<RaiseEventRequest, RaiseEventResponse> RaiseEvent =
        Unary<RaiseEventRequest, RaiseEventResponse>("RaiseEvent");

    public static readonly GrpcMethod<TerminateRequest, TerminateResponse> TerminateInstance =
        Unary<TerminateRequest, TerminateResponse>("TerminateInstance");

    public static readonly GrpcMethod<SuspendRequest, SuspendResponse> SuspendInstance =
        Unary<SuspendRequest, SuspendResponse>("SuspendInstance");

    public static readonly GrpcMethod<ResumeRequest, ResumeResponse> ResumeInstance =
        Unary<ResumeRequest, ResumeResponse>("ResumeInstance");

    public static readonly GrpcMethod<PurgeInstancesRequest, PurgeInstancesResponse> PurgeInstances =
        Unary<PurgeInstancesRequest, PurgeInstancesResponse>("PurgeInstances");

    public static readonly GrpcMethod<GetWorkItemsRequest, WorkItem> GetWorkItems =
        new(GrpcMethodType.ServerStreaming, ServiceName, "GetWorkItems");

    public static readonly GrpcMethod<ActivityResponse, CompleteTaskResponse> CompleteActivityTask =
        Unary<ActivityResponse, CompleteTaskResponse>("CompleteActivityTask");

    /// <summary>Deprecated name kept by daprd &lt; 1.18 (and still served by newer ones).</summary>
    public static readonly GrpcMethod<WorkflowResponse, CompleteTaskResponse> CompleteOrchestratorTask =
        Unary<WorkflowResponse, CompleteTaskResponse>("CompleteOrchestratorTask");

    public static readonly GrpcMethod<WorkflowResponse, CompleteTaskResponse> CompleteWorkflowTask =
        Unary<WorkflowResponse, CompleteTaskResponse>("CompleteWorkflowTask");

    public static readonly GrpcMethod<RerunWorkflowFromEventRequest, RerunWorkflowFromEventResponse> RerunWorkflowFromEvent =
        Unary<RerunWorkflowFromEventRequest, RerunWorkflowFromEventResponse>("RerunWorkflowFromEvent");

    public static readonly GrpcMethod<ListInstanceIDsRequest, ListInstanceIDsResponse> ListInstanceIDs =
        Unary<ListInstanceIDsRequest, ListInstanceIDsResponse>("ListInstanceIDs");

    public static readonly GrpcMethod<GetInstanceHistoryRequest, GetInstanceHistoryResponse> GetInstanceHistory =
        Unary<GetInstanceHistoryRequest, GetInstanceHistoryResponse>("GetInstanceHistory");

    private static GrpcMethod<TRequest, TResponse> Unary<TRequest, TResponse>(string name)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>, new()
        where TResponse : class, Google.Protobuf.IMessage<TResponse>, new() =>
        new(GrpcMethodType.Unary, ServiceName, name);
}
