using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.State;
using DaprPlatform.Sidecar.Components.State.InMemory;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using DaprPlatform.Sidecar.Runtime.Workflow;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>How workflow state is laid out in the actor state store (daprd's keys and protobuf values).</summary>
public sealed class WorkflowStateLayoutTests
{
    private static readonly WorkflowStateKeys Keys = new("myapp", "default");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Keys_follow_daprds_actor_state_layout()
    {
        Assert.Equal("dapr.internal.default.myapp.workflow", Keys.WorkflowActorType);
        Assert.Equal("myapp||dapr.internal.default.myapp.workflow||wf-1||metadata", Keys.Metadata("wf-1"));
        Assert.Equal("myapp||dapr.internal.default.myapp.workflow||wf-1||customStatus", Keys.CustomStatus("wf-1"));
        Assert.Equal("myapp||dapr.internal.default.myapp.workflow||wf-1||history-000012", Keys.History("wf-1", 12));
        Assert.Equal("myapp||dapr.internal.default.myapp.workflow||wf-1||inbox-000000", Keys.Inbox("wf-1", 0));
        Assert.Equal("inbox-1234567", WorkflowStateKeys.MultiEntryKey("inbox", 1234567));
        Assert.Equal("myapp||dapr.internal.default.myapp.workflowindex||active-007", Keys.IndexShard(7));
        Assert.Equal("dapr.internal.prod.myapp.workflow", new WorkflowStateKeys("myapp", "prod").WorkflowActorType);
    }

    [Fact]
    public void Metadata_is_backend_workflow_state_metadata_in_protobuf()
    {
        var metadata = new WorkflowStateMetadata(InboxLength: 1, HistoryLength: 300, Generation: 2);
        Assert.Equal(new byte[] { 0x08, 0x01, 0x10, 0xAC, 0x02, 0x18, 0x02 }, metadata.ToBytes());
        Assert.Equal(metadata, WorkflowStateMetadata.Parse(metadata.ToBytes()));
        Assert.Empty(new WorkflowStateMetadata(0, 0, 0).ToBytes());

        // Fields daprd adds (signature and certificate counts) are skipped.
        Assert.Equal(new WorkflowStateMetadata(3, 4, 0), WorkflowStateMetadata.Parse([0x08, 0x03, 0x10, 0x04, 0x20, 0x05]));
    }

    [Fact]
    public void Index_shards_are_stable_json_arrays()
    {
        Assert.Equal(WorkflowIndex.ShardOf("order-42"), WorkflowIndex.ShardOf("order-42"));
        Assert.InRange(WorkflowIndex.ShardOf("order-42"), 0, WorkflowIndex.ShardCount - 1);
        var bytes = WorkflowIndex.Encode(["a", "b\"c"]);
        Assert.Equal("[\"a\",\"b\\u0022c\"]", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal(["a", "b\"c"], WorkflowIndex.Decode(bytes));

        var index = new WorkflowIndex();
        Assert.True(index.Affects("x", WorkflowIndexChange.Add));
        Assert.Equal(["x"], WorkflowIndex.Decode(index.Encode("x", WorkflowIndexChange.Add)));
        index.Apply("x", WorkflowIndexChange.Add);
        Assert.False(index.Affects("x", WorkflowIndexChange.Add));
        Assert.True(index.Affects("x", WorkflowIndexChange.Remove));
        Assert.Empty(WorkflowIndex.Decode(index.Encode("x", WorkflowIndexChange.Remove)));
    }

    [Fact]
    public async Task Steps_append_history_keys_and_keep_the_inbox_contiguous()
    {
        await using var memory = new InMemoryStateStore(TimeProvider.System);
        var store = new WorkflowStateStore(Entry(memory), Keys, NoResiliency.Instance);
        var state = new WorkflowRuntimeState("wf-1");

        // Created: the start event waits in the inbox.
        var create = new WorkflowStateChange { Index = WorkflowIndexChange.Add };
        create.NewInbox.Add(Started("wf-1"));
        Assert.Equal(["inbox-000000", "metadata"], Names(store.BuildOperations(state, create)));
        await CommitAsync(store, state, create);

        // Two events arrive; the first turn takes the start event and one of them.
        var arrive = new WorkflowStateChange();
        arrive.NewInbox.Add(Raised("e1"));
        arrive.NewInbox.Add(Raised("e2"));
        Assert.Equal(["inbox-000001", "inbox-000002", "metadata"], Names(store.BuildOperations(state, arrive)));
        await CommitAsync(store, state, arrive);

        var turn = new WorkflowStateChange { InboxConsumed = 2 };
        turn.NewHistory.Add(new HistoryEvent { EventId = -1, Timestamp = Now(), WorkflowStarted = new WorkflowStartedEvent() });
        turn.NewHistory.AddRange(state.Inbox.Take(2));
        turn.NewHistory.Add(new HistoryEvent { EventId = 0, Timestamp = Now(), TaskScheduled = new TaskScheduledEvent { Name = "A" } });
        turn.SetCustomStatus("working");
        Assert.Equal(
            ["history-000000", "history-000001", "history-000002", "history-000003", "inbox-000000", "inbox-000001", "inbox-000002", "customStatus", "metadata"],
            Names(store.BuildOperations(state, turn)));
        await CommitAsync(store, state, turn);
        Assert.Equal("e2", state.Inbox.Single().EventRaised.Name);

        var loaded = await store.LoadAsync("wf-1", Ct);
        Assert.True(loaded.Exists);
        Assert.Equal(4, loaded.History.Count);
        Assert.Equal("e2", loaded.Inbox.Single().EventRaised.Name);
        Assert.Equal("working", loaded.CustomStatus);
        Assert.Equal(OrchestrationStatus.Running, loaded.Status);
        var metadata = await memory.GetAsync(Keys.Metadata("wf-1"), StateReadOptions.Default, Ct);
        Assert.Equal(new WorkflowStateMetadata(1, 4, 0), WorkflowStateMetadata.Parse(metadata!.Data.Span));
        var customStatus = await memory.GetAsync(Keys.CustomStatus("wf-1"), StateReadOptions.Default, Ct);
        Assert.Equal("working", StringValue.Parser.ParseFrom(customStatus!.Data.Span).Value);
        var firstEvent = await memory.GetAsync(Keys.History("wf-1", 1), StateReadOptions.Default, Ct);
        Assert.Equal("wf-1", HistoryEvent.Parser.ParseFrom(firstEvent!.Data.Span).ExecutionStarted.WorkflowInstance.InstanceId);

        // Continue-as-new starts the history over: old history keys go.
        var restart = new WorkflowStateChange { ResetHistory = true, ClearInbox = true, Generation = 1 };
        restart.NewInbox.Add(Started("wf-1"));
        Assert.Equal(
            ["history-000000", "history-000001", "history-000002", "history-000003", "inbox-000000", "metadata"],
            Names(store.BuildOperations(state, restart)));
        await CommitAsync(store, state, restart);
        Assert.Null(await memory.GetAsync(Keys.History("wf-1", 0), StateReadOptions.Default, Ct));
        Assert.Equal(OrchestrationStatus.Pending, (await store.LoadAsync("wf-1", Ct)).Status);

        // Purge deletes every key.
        var purge = new WorkflowStateChange { Purge = true };
        await CommitAsync(store, state, purge);
        Assert.False((await store.LoadAsync("wf-1", Ct)).Exists);
        Assert.Null(await memory.GetAsync(Keys.Inbox("wf-1", 0), StateReadOptions.Default, Ct));
        Assert.Null(await memory.GetAsync(Keys.CustomStatus("wf-1"), StateReadOptions.Default, Ct));
    }

    [Fact]
    public async Task Loaded_state_derives_status_and_resolved_tasks()
    {
        await using var memory = new InMemoryStateStore(TimeProvider.System);
        var store = new WorkflowStateStore(Entry(memory), Keys, NoResiliency.Instance);
        var state = new WorkflowRuntimeState("wf-2");
        var change = new WorkflowStateChange();
        change.NewHistory.Add(Started("wf-2"));
        change.NewHistory.Add(new HistoryEvent { EventId = 0, Timestamp = Now(), TaskScheduled = new TaskScheduledEvent { Name = "A" } });
        change.NewHistory.Add(new HistoryEvent { EventId = -1, Timestamp = Now(), TaskCompleted = new TaskCompletedEvent { TaskScheduledId = 0 } });
        change.NewHistory.Add(new HistoryEvent { EventId = -1, Timestamp = Now(), ExecutionSuspended = new ExecutionSuspendedEvent() });
        await CommitAsync(store, state, change);

        var loaded = await store.LoadAsync("wf-2", Ct);
        Assert.Equal(OrchestrationStatus.Suspended, loaded.Status);
        Assert.True(loaded.IsResolved(HistoryEventKinds.TaskResolution(0)));
        Assert.False(loaded.IsResolved(HistoryEventKinds.TaskResolution(1)));
        Assert.True(loaded.IsDuplicateResolution(new HistoryEvent { TaskFailed = new TaskFailedEvent { TaskScheduledId = 0 } }));
    }

    private static async Task CommitAsync(WorkflowStateStore store, WorkflowRuntimeState state, WorkflowStateChange change)
    {
        await store.CommitAsync(state, change, null, Ct);
        state.Apply(change);
    }

    private static string[] Names(List<StateOperation> operations) =>
        operations.Select(o => o.Key[(o.Key.LastIndexOf("||", StringComparison.Ordinal) + 2)..]).ToArray();

    private static StateStoreEntry Entry(IStateStore store) =>
        new("actors", store, new StateKeys(null, "myapp", "actors", "default"),
            new ComponentResource("actors", null, "state.in-memory", "v1", TimeSpan.Zero, false, [], null, [], "actors.yaml"), true);

    private static Timestamp Now() => Timestamp.FromDateTime(DateTime.UtcNow);

    private static HistoryEvent Started(string instanceId) => new()
    {
        EventId = -1,
        Timestamp = Now(),
        ExecutionStarted = new ExecutionStartedEvent { Name = "W", WorkflowInstance = new WorkflowInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString() } },
    };

    private static HistoryEvent Raised(string name) => new() { EventId = -1, Timestamp = Now(), EventRaised = new EventRaisedEvent { Name = name } };
}
