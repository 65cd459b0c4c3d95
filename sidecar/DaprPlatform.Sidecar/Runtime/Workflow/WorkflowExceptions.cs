using Grpc.Core;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>No instance with this id (durabletask's ErrInstanceNotFound).</summary>
public sealed class WorkflowNotFoundException(string instanceId) : Exception("no such instance exists")
{
    public string InstanceId { get; } = instanceId;
}

/// <summary>A running instance already has this id.</summary>
public sealed class WorkflowAlreadyExistsException(string instanceId)
    : Exception($"an active workflow with ID '{instanceId}' already exists");

/// <summary>The operation needs a terminal instance (durabletask's ErrNotCompleted).</summary>
public sealed class WorkflowNotCompletedException() : Exception("orchestration has not yet completed");

/// <summary>
/// The workflow engine cannot run: no state store is marked as the actor state store (daprd's
/// ErrActorRuntimeNotFound), or the one marked cannot hold workflows.
/// </summary>
public sealed class WorkflowUnavailableException(string message) : Exception(message)
{
    /// <summary>daprd's ErrActorRuntimeNotFound text.</summary>
    public const string ActorRuntimeNotFound =
        "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?";
}

/// <summary>A rerun daprd refuses, with the gRPC status and text its workflow actor answers.</summary>
public sealed class WorkflowRerunException(StatusCode code, string message) : Exception(message)
{
    public StatusCode Code { get; } = code;
}
