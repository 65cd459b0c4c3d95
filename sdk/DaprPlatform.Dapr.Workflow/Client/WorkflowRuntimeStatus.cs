namespace DaprPlatform.Dapr.Workflow;

/// <summary>Runtime status of a workflow instance (values match the protocol's OrchestrationStatus).</summary>
public enum WorkflowRuntimeStatus
{
    Unknown = -1,
    Running = 0,
    Completed = 1,
    ContinuedAsNew = 2,
    Failed = 3,
    Canceled = 4,
    Terminated = 5,
    Pending = 6,
    Suspended = 7,
    Stalled = 8,
}
