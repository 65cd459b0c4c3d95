namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>Limits of the workflow engine.</summary>
public sealed class WorkflowEngineOptions
{
    /// <summary>Workflow turns sent to one worker stream and not yet answered (the .NET SDK runs 100 at a time).</summary>
    public int MaxConcurrentWorkflowsPerWorker { get; set; } = 100;

    /// <summary>Activities sent to one worker stream and not yet answered (the .NET SDK runs 100 at a time).</summary>
    public int MaxConcurrentActivitiesPerWorker { get; set; } = 100;

    /// <summary>Instances resumed in parallel after a restart.</summary>
    public int RecoveryParallelism { get; set; } = 8;

    /// <summary>Wait before retrying a step whose state write failed (the store is down, say).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
