namespace DaprPlatform.Workflow.Testing;

/// <summary>The failure <see cref="WorkflowTestHost.FailActivity"/> injects into an activity call.</summary>
public sealed class SimulatedActivityFailureException(string message) : Exception(message);
