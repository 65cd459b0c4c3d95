using System.Globalization;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// Where workflow state lives in the actor state store, laid out as daprd lays it out (dapr pkg/actors/state
/// constructs <c>{appId}||{actorType}||{actorId}||{key}</c>; pkg/runtime/wfengine/state names the keys), so a
/// store written by this sidecar reads like one written by daprd:
/// <list type="bullet">
/// <item><c>{appId}||dapr.internal.{namespace}.{appId}.workflow||{instanceId}||metadata</c> (BackendWorkflowStateMetadata)</item>
/// <item><c>...||history-000000</c>, <c>...||history-000001</c>, ... (one HistoryEvent each, append-only)</item>
/// <item><c>...||inbox-000000</c>, ... (events waiting for the next turn, FIFO)</item>
/// <item><c>...||customStatus</c> (a StringValue)</item>
/// </list>
/// daprd finds running workflows again through scheduler reminders; this sidecar has no scheduler, so it keeps its own
/// index of non-terminal instances under <c>{appId}||dapr.internal.{namespace}.{appId}.workflowindex||active-NNN</c>.
/// </summary>
public sealed class WorkflowStateKeys
{
    public const string Separator = "||";
    public const string MetadataKey = "metadata";
    public const string CustomStatusKey = "customStatus";
    public const string HistoryPrefix = "history";
    public const string InboxPrefix = "inbox";

    private readonly string _appId;

    public WorkflowStateKeys(string appId, string @namespace)
    {
        _appId = appId;
        var ns = string.IsNullOrEmpty(@namespace) ? "default" : @namespace;
        WorkflowActorType = $"dapr.internal.{ns}.{appId}.workflow";
        ActivityActorType = $"dapr.internal.{ns}.{appId}.activity";
        IndexActorType = $"dapr.internal.{ns}.{appId}.workflowindex";
    }

    /// <summary>daprd's actor type for workflow instances (pkg/actors/targets/workflow/common).</summary>
    public string WorkflowActorType { get; }

    public string ActivityActorType { get; }

    /// <summary>Our own: the index of instances to resume after a restart.</summary>
    public string IndexActorType { get; }

    public string Metadata(string instanceId) => InstanceKey(instanceId, MetadataKey);

    /// <summary>The LIKE pattern of every instance's metadata key, as daprd lists instances.</summary>
    public string MetadataPattern => InstanceKey("%", MetadataKey);

    /// <summary>The instance id in a metadata key; daprd's error for a key of another shape.</summary>
    public static string InstanceIdOf(string metadataKey)
    {
        var parts = metadataKey.Split(Separator);
        return parts.Length == 4 ? parts[2] : throw new WorkflowStateException($"invalid key format: {metadataKey}");
    }

    public string CustomStatus(string instanceId) => InstanceKey(instanceId, CustomStatusKey);

    public string History(string instanceId, int index) => InstanceKey(instanceId, MultiEntryKey(HistoryPrefix, index));

    public string Inbox(string instanceId, int index) => InstanceKey(instanceId, MultiEntryKey(InboxPrefix, index));

    public string IndexShard(int shard) =>
        string.Concat(_appId, Separator, IndexActorType, Separator, "active-", shard.ToString("D3", CultureInfo.InvariantCulture));

    /// <summary>daprd's getMultiEntryKeyName: the prefix, a dash, and the index padded to six digits.</summary>
    public static string MultiEntryKey(string prefix, int index) =>
        string.Concat(prefix, "-", index.ToString("D6", CultureInfo.InvariantCulture));

    private string InstanceKey(string instanceId, string key) =>
        string.Concat(_appId, Separator, WorkflowActorType, Separator, instanceId, Separator, key);
}
