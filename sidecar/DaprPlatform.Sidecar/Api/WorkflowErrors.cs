namespace DaprPlatform.Sidecar.Api;

/// <summary>daprd's workflow API errors (dapr pkg/messages/predefined.go, Workflow block and ErrActorRuntimeNotFound).</summary>
public static class WorkflowErrors
{
    public static DaprError ActorRuntimeNotFound(string message) => new(500, "ERR_ACTOR_RUNTIME_NOT_FOUND", message);

    public static DaprError Start(string name, string err) => new(500, "ERR_START_WORKFLOW", $"error starting workflow '{name}': {err}");

    public static DaprError Get(string instanceId, string err) =>
        new(500, "ERR_GET_WORKFLOW", $"error while getting workflow info on instance '{instanceId}': {err}");

    public static DaprError InstanceIdTooLong(int max) =>
        new(400, "ERR_INSTANCE_ID_TOO_LONG", $"workflow instance ID exceeds the max length of {max} characters");

    public static DaprError InstanceIdInvalid(string instanceId) =>
        new(400, "ERR_INSTANCE_ID_INVALID", $"workflow instance ID '{instanceId}' is invalid: only alphanumeric and underscore characters are allowed");

    public static DaprError InstanceIdMissing() => new(400, "ERR_INSTANCE_ID_PROVIDED_MISSING", "no instance ID was provided");

    public static DaprError InstanceNotFound(string instanceId) =>
        new(404, "ERR_INSTANCE_ID_NOT_FOUND", $"unable to find workflow with the provided instance ID: {instanceId}");

    public static DaprError NameMissing() => new(400, "ERR_WORKFLOW_NAME_MISSING", "workflow name is not configured");

    public static DaprError EventNameMissing() => new(400, "ERR_WORKFLOW_EVENT_NAME_MISSING", "missing workflow event name");

    public static DaprError AppIdInvalid(string appId) =>
        new(400, "ERR_WORKFLOW_APP_ID_INVALID", $"workflow app ID '{appId}' is invalid: only alphanumeric, dash and underscore characters are allowed");

    public static DaprError Terminate(string instanceId, string err) => new(500, "ERR_TERMINATE_WORKFLOW", $"error terminating workflow '{instanceId}': {err}");

    public static DaprError RaiseEvent(string instanceId, string err) => new(500, "ERR_RAISE_EVENT_WORKFLOW", $"error raising event on workflow '{instanceId}': {err}");

    public static DaprError Pause(string instanceId, string err) => new(500, "ERR_PAUSE_WORKFLOW", $"error pausing workflow {instanceId}: {err}");

    public static DaprError Resume(string instanceId, string err) => new(500, "ERR_RESUME_WORKFLOW", $"error resuming workflow {instanceId}: {err}");

    public static DaprError Purge(string instanceId, string err) => new(500, "ERR_PURGE_WORKFLOW", $"error purging workflow {instanceId}: {err}");
}
