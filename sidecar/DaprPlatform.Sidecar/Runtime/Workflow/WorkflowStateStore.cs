using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// Reads and writes workflow instances in the actor state store with daprd's key layout
/// (<see cref="WorkflowStateKeys"/>): values are protobuf bytes, every step is one transaction that appends history
/// keys rather than rewriting the history, and the index shard of an instance changes in the same transaction.
/// </summary>
public sealed class WorkflowStateStore(StateStoreEntry store, WorkflowStateKeys keys, IResiliencyPolicy policy)
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();
    private const int BulkReadParallelism = 64;

    public WorkflowStateKeys Keys { get; } = keys;

    public string StoreName => store.Name;

    /// <summary>One page of instance ids, from the store's own key listing (daprd needs a KeysLiker store too).</summary>
    public async Task<(IReadOnlyList<string> InstanceIds, string? ContinuationToken)> ListInstanceIdsAsync(string? continuationToken, uint? pageSize, CancellationToken cancellationToken)
    {
        if (store.Store is not IKeysLiker keysLiker)
        {
            throw new WorkflowStateException($"state store {store.Resource.Type} does not support listing keys");
        }

        var page = await policy.ExecuteAsync(
            ct => keysLiker.KeysLikeAsync(new KeysLikeRequest(Keys.MetadataPattern, continuationToken, pageSize), ct), cancellationToken);
        return ([.. page.Keys.Select(WorkflowStateKeys.InstanceIdOf)], page.ContinuationToken);
    }

    /// <summary>Loads an instance; the result has <see cref="WorkflowRuntimeState.Exists"/> false when there is none.</summary>
    public async Task<WorkflowRuntimeState> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var state = new WorkflowRuntimeState(instanceId);
        var metadataEntry = await policy.ExecuteAsync(
            ct => store.Store.GetAsync(Keys.Metadata(instanceId), StateReadOptions.Default, ct), cancellationToken);
        if (metadataEntry is null || metadataEntry.Data.IsEmpty)
        {
            return state;
        }

        var metadata = WorkflowStateMetadata.Parse(metadataEntry.Data.Span);
        var inboxLength = checked((int)metadata.InboxLength);
        var historyLength = checked((int)metadata.HistoryLength);
        var stateKeys = new List<string>(1 + inboxLength + historyLength) { Keys.CustomStatus(instanceId) };
        for (var i = 0; i < inboxLength; i++)
        {
            stateKeys.Add(Keys.Inbox(instanceId, i));
        }

        for (var i = 0; i < historyLength; i++)
        {
            stateKeys.Add(Keys.History(instanceId, i));
        }

        var entries = await policy.ExecuteAsync(
            ct => store.Store.BulkGetAsync(stateKeys, StateReadOptions.Default, BulkReadParallelism, ct), cancellationToken);
        var byKey = entries.ToDictionary(e => e.Key, StringComparer.Ordinal);

        var inbox = new List<HistoryEvent>(inboxLength);
        for (var i = 0; i < inboxLength; i++)
        {
            inbox.Add(ParseEvent(byKey, Keys.Inbox(instanceId, i)));
        }

        var history = new List<HistoryEvent>(historyLength);
        for (var i = 0; i < historyLength; i++)
        {
            history.Add(ParseEvent(byKey, Keys.History(instanceId, i)));
        }

        string? customStatus = null;
        var customStatusEntry = byKey[Keys.CustomStatus(instanceId)];
        if (customStatusEntry.Error is { } error)
        {
            throw new WorkflowStateException($"failed to read the custom status of workflow '{instanceId}': {error}");
        }

        if (customStatusEntry.Entry is { } cs && !cs.Data.IsEmpty)
        {
            customStatus = StringValue.Parser.ParseFrom(cs.Data.Span).Value;
        }

        state.Load(metadata, history, inbox, customStatus, customStatusEntry.Entry is not null);
        return state;
    }

    /// <summary>Commits <paramref name="change"/> atomically; <paramref name="indexShard"/> is the new shard value when the index changes.</summary>
    public Task CommitAsync(WorkflowRuntimeState state, WorkflowStateChange change, KeyValuePair<string, byte[]>? indexShard, CancellationToken cancellationToken)
    {
        var operations = BuildOperations(state, change);
        if (indexShard is { } shard)
        {
            operations.Add(Set(shard.Key, shard.Value));
        }

        return policy.ExecuteAsync(async ct =>
        {
            await store.Store.TransactAsync(operations, NoMetadata, ct);
            return true;
        }, cancellationToken);
    }

    /// <summary>The store operations of one step, given the committed <paramref name="state"/>.</summary>
    public List<StateOperation> BuildOperations(WorkflowRuntimeState state, WorkflowStateChange change)
    {
        var id = state.InstanceId;
        var operations = new List<StateOperation>(change.NewHistory.Count + change.NewInbox.Count + change.InboxConsumed + 4);
        var oldHistory = state.History.Count;
        var oldInbox = state.Inbox.Count;

        if (change.Purge)
        {
            operations.Add(Delete(Keys.Metadata(id)));
            operations.Add(Delete(Keys.CustomStatus(id)));
            DeleteRange(operations, i => Keys.History(id, i), 0, oldHistory);
            DeleteRange(operations, i => Keys.Inbox(id, i), 0, oldInbox);
            return operations;
        }

        // History is append-only, except that continue-as-new and re-creation start it over.
        var historyStart = change.ResetHistory ? 0 : oldHistory;
        for (var i = 0; i < change.NewHistory.Count; i++)
        {
            operations.Add(Set(Keys.History(id, historyStart + i), change.NewHistory[i].ToByteArray()));
        }

        var newHistoryLength = historyStart + change.NewHistory.Count;
        if (change.ResetHistory)
        {
            DeleteRange(operations, i => Keys.History(id, i), newHistoryLength, oldHistory);
        }

        // The inbox keys stay contiguous from 0: what remains after the consumed head moves down.
        var newInboxLength = oldInbox + change.NewInbox.Count;
        if (change.ClearInbox || change.InboxConsumed > 0)
        {
            var remaining = change.ClearInbox ? [] : state.Inbox.Skip(change.InboxConsumed).ToList();
            remaining.AddRange(change.NewInbox);
            for (var i = 0; i < remaining.Count; i++)
            {
                operations.Add(Set(Keys.Inbox(id, i), remaining[i].ToByteArray()));
            }

            newInboxLength = remaining.Count;
            DeleteRange(operations, i => Keys.Inbox(id, i), remaining.Count, oldInbox);
        }
        else
        {
            for (var i = 0; i < change.NewInbox.Count; i++)
            {
                operations.Add(Set(Keys.Inbox(id, oldInbox + i), change.NewInbox[i].ToByteArray()));
            }
        }

        if (change.WritesCustomStatus(state))
        {
            var value = change.CustomStatusChanged ? change.CustomStatus : state.CustomStatus;
            operations.Add(Set(Keys.CustomStatus(id), new StringValue { Value = value ?? "" }.ToByteArray()));
        }

        var metadata = new WorkflowStateMetadata((ulong)newInboxLength, (ulong)newHistoryLength, change.Generation ?? state.Generation);
        operations.Add(Set(Keys.Metadata(id), metadata.ToBytes()));
        return operations;
    }

    /// <summary>Reads every index shard: the instances that were not terminal when last written.</summary>
    public async Task<IReadOnlyList<(int Shard, IReadOnlyList<string> InstanceIds)>> ReadIndexAsync(int shardCount, CancellationToken cancellationToken)
    {
        var shardKeys = Enumerable.Range(0, shardCount).Select(Keys.IndexShard).ToList();
        var entries = await policy.ExecuteAsync(
            ct => store.Store.BulkGetAsync(shardKeys, StateReadOptions.Default, BulkReadParallelism, ct), cancellationToken);
        var result = new List<(int, IReadOnlyList<string>)>(shardCount);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Error is { } error)
            {
                throw new WorkflowStateException($"failed to read the workflow index: {error}");
            }

            if (entries[i].Entry is { Data.IsEmpty: false } entry)
            {
                result.Add((i, WorkflowIndex.Decode(entry.Data.Span)));
            }
        }

        return result;
    }

    private static HistoryEvent ParseEvent(Dictionary<string, BulkStateEntry> entries, string key)
    {
        if (!entries.TryGetValue(key, out var entry) || entry.Error is not null)
        {
            throw new WorkflowStateException($"failed to read workflow state key '{key}': {entry?.Error ?? "missing from the response"}");
        }

        // The metadata names this key, so it must exist; a gap means a partial write outside this engine.
        return entry.Entry is { } value
            ? HistoryEvent.Parser.ParseFrom(value.Data.Span)
            : throw new WorkflowStateException($"workflow state key '{key}' is declared in the metadata but missing from the state store");
    }

    private static StateOperation Set(string key, byte[] value) =>
        new(new StateSetRequest(key, value, null, StateConcurrency.LastWrite, StateConsistency.Eventual, null, NoMetadata), null);

    private static StateOperation Delete(string key) =>
        new(null, new StateDeleteRequest(key, null, StateConcurrency.LastWrite, StateConsistency.Eventual, NoMetadata));

    private static void DeleteRange(List<StateOperation> operations, Func<int, string> key, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            operations.Add(Delete(key(i)));
        }
    }
}

/// <summary>Workflow state in the store is unreadable or inconsistent.</summary>
public sealed class WorkflowStateException(string message) : Exception(message);
