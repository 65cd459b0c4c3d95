using DaprPlatform.DurableTask.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>What one step of an instance changes, committed as one transaction (see <see cref="WorkflowStateStore"/>).</summary>
public sealed class WorkflowStateChange
{
    /// <summary>Replace the history (continue-as-new, re-creation) instead of appending to it.</summary>
    public bool ResetHistory { get; init; }

    public List<HistoryEvent> NewHistory { get; } = [];

    /// <summary>How many events leave the head of the inbox (they were handled by this step).</summary>
    public int InboxConsumed { get; init; }

    /// <summary>Drop the whole inbox (the instance reached a terminal state).</summary>
    public bool ClearInbox { get; init; }

    public List<HistoryEvent> NewInbox { get; } = [];

    public bool CustomStatusChanged { get; private set; }

    public string? CustomStatus { get; private set; }

    public ulong? Generation { get; init; }

    public WorkflowIndexChange Index { get; init; }

    /// <summary>Delete every key of the instance.</summary>
    public bool Purge { get; init; }

    public void SetCustomStatus(string? value)
    {
        CustomStatus = value;
        CustomStatusChanged = true;
    }

    /// <summary>
    /// As daprd: the custom status is written with history changes, and only when it changed or was never written.
    /// nil and "" are the same stored bytes, so they compare equal.
    /// </summary>
    public bool WritesCustomStatus(WorkflowRuntimeState state)
    {
        if (Purge || (NewHistory.Count == 0 && !ResetHistory))
        {
            return false;
        }

        return !state.CustomStatusPersisted || (CustomStatusChanged && !string.Equals(CustomStatus ?? "", state.CustomStatus ?? "", StringComparison.Ordinal));
    }
}

/// <summary>How a step changes the index of instances to resume after a restart.</summary>
public enum WorkflowIndexChange
{
    None,
    Add,
    Remove,
}
