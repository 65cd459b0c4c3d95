using Dapr.DurableTask.Protobuf;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>
/// TaskHubSidecarService's methods over the official Dapr.Workflow.Grpc messages, for tests that call one method at
/// a time (including the deprecated and the unimplemented ones the generated client hides).
/// </summary>
internal static class TaskHubSidecarServiceMethods
{
    private const string Service = "TaskHubSidecarService";

    public static readonly Method<Empty, Empty> Hello = Unary<Empty, Empty>("Hello");
    public static readonly Method<CreateInstanceRequest, CreateInstanceResponse> StartInstance = Unary<CreateInstanceRequest, CreateInstanceResponse>("StartInstance");
    public static readonly Method<GetInstanceRequest, GetInstanceResponse> GetInstance = Unary<GetInstanceRequest, GetInstanceResponse>("GetInstance");
    public static readonly Method<GetInstanceRequest, GetInstanceResponse> WaitForInstanceStart = Unary<GetInstanceRequest, GetInstanceResponse>("WaitForInstanceStart");
    public static readonly Method<GetInstanceRequest, GetInstanceResponse> WaitForInstanceCompletion = Unary<GetInstanceRequest, GetInstanceResponse>("WaitForInstanceCompletion");
    public static readonly Method<RaiseEventRequest, RaiseEventResponse> RaiseEvent = Unary<RaiseEventRequest, RaiseEventResponse>("RaiseEvent");
    public static readonly Method<TerminateRequest, TerminateResponse> TerminateInstance = Unary<TerminateRequest, TerminateResponse>("TerminateInstance");
    public static readonly Method<SuspendRequest, SuspendResponse> SuspendInstance = Unary<SuspendRequest, SuspendResponse>("SuspendInstance");
    public static readonly Method<ResumeRequest, ResumeResponse> ResumeInstance = Unary<ResumeRequest, ResumeResponse>("ResumeInstance");
    public static readonly Method<PurgeInstancesRequest, PurgeInstancesResponse> PurgeInstances = Unary<PurgeInstancesRequest, PurgeInstancesResponse>("PurgeInstances");
    public static readonly Method<GetWorkItemsRequest, WorkItem> GetWorkItems = new(MethodType.ServerStreaming, Service, "GetWorkItems", Marshal<GetWorkItemsRequest>(), Marshal<WorkItem>());
    public static readonly Method<ActivityResponse, CompleteTaskResponse> CompleteActivityTask = Unary<ActivityResponse, CompleteTaskResponse>("CompleteActivityTask");
    public static readonly Method<WorkflowResponse, CompleteTaskResponse> CompleteOrchestratorTask = Unary<WorkflowResponse, CompleteTaskResponse>("CompleteOrchestratorTask");
    public static readonly Method<WorkflowResponse, CompleteTaskResponse> CompleteWorkflowTask = Unary<WorkflowResponse, CompleteTaskResponse>("CompleteWorkflowTask");
    public static readonly Method<ListInstanceIDsRequest, ListInstanceIDsResponse> ListInstanceIDs = Unary<ListInstanceIDsRequest, ListInstanceIDsResponse>("ListInstanceIDs");
    public static readonly Method<GetInstanceHistoryRequest, GetInstanceHistoryResponse> GetInstanceHistory = Unary<GetInstanceHistoryRequest, GetInstanceHistoryResponse>("GetInstanceHistory");

    public static Task<TResponse> UnaryCallAsync<TRequest, TResponse>(this CallInvoker invoker, Method<TRequest, TResponse> method, TRequest request, CallOptions options)
        where TRequest : class where TResponse : class =>
        invoker.AsyncUnaryCall(method, null, options, request).ResponseAsync;

    public static async IAsyncEnumerable<TResponse> ServerStreamingCall<TRequest, TResponse>(this CallInvoker invoker, Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class where TResponse : class
    {
        using var call = invoker.AsyncServerStreamingCall(method, null, options, request);
        while (await call.ResponseStream.MoveNext(options.CancellationToken))
        {
            yield return call.ResponseStream.Current;
        }
    }

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name)
        where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>, new() =>
        new(MethodType.Unary, Service, name, Marshal<TRequest>(), Marshal<TResponse>());

    private static Marshaller<T> Marshal<T>() where T : class, IMessage<T>, new() =>
        Marshallers.Create(m => m.ToByteArray(), bytes => new MessageParser<T>(() => new T()).ParseFrom(bytes));
}
