using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Sidecar.Runtime.Workflow;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>How work reaches workers: round robin, per-worker limits, a queue while none has room, requeue on disconnect.</summary>
public sealed class WorkItemDispatcherTests
{
    [Fact]
    public void Work_goes_round_robin_within_each_workers_limit()
    {
        var dispatcher = new WorkItemDispatcher(new WorkflowEngineOptions { MaxConcurrentWorkflowsPerWorker = 2, MaxConcurrentActivitiesPerWorker = 1 });
        var a = dispatcher.Connect();
        var b = dispatcher.Connect();
        var turns = Enumerable.Range(0, 5).Select(i => WorkDispatch.ForWorkflow(new WorkflowRequest { InstanceId = $"wf-{i}" })).ToList();
        turns.ForEach(dispatcher.Enqueue);

        Assert.Equal(["wf-0", "wf-2"], Drain(a).Select(i => i.WorkflowRequest.InstanceId));
        Assert.Equal(["wf-1", "wf-3"], Drain(b).Select(i => i.WorkflowRequest.InstanceId));
        Assert.Equal(1, dispatcher.QueuedCount);

        // Activities have their own limit.
        var activity = WorkDispatch.ForActivity(new ActivityRequest { Name = "A", WorkflowInstance = new WorkflowInstance { InstanceId = "wf-0" } });
        dispatcher.Enqueue(activity);
        Assert.Single(Drain(a).Concat(Drain(b)), i => i.ActivityRequest is not null);

        // An answer frees a slot for the queued turn.
        dispatcher.Complete(turns[0]);
        var next = Assert.Single(Drain(a));
        Assert.Equal("wf-4", next.WorkflowRequest.InstanceId);
        Assert.Equal(0, dispatcher.QueuedCount);
    }

    [Fact]
    public void Disconnect_requeues_in_flight_work_with_a_fresh_token()
    {
        var dispatcher = new WorkItemDispatcher(new WorkflowEngineOptions());
        var turn = WorkDispatch.ForWorkflow(new WorkflowRequest { InstanceId = "wf-1" });

        // No worker: the work waits.
        dispatcher.Enqueue(turn);
        Assert.Null(turn.Token);
        Assert.Equal(1, dispatcher.QueuedCount);

        var a = dispatcher.Connect();
        var sent = Assert.Single(Drain(a));
        Assert.Equal(turn.Token, sent.CompletionToken);
        Assert.True(turn.Accepts(sent.CompletionToken));
        Assert.True(turn.Accepts(""));
        Assert.False(turn.Accepts("other"));

        dispatcher.Disconnect(a);
        Assert.Equal(0, dispatcher.ConnectedWorkers);
        Assert.Equal(1, dispatcher.QueuedCount);
        var b = dispatcher.Connect();
        var resent = Assert.Single(Drain(b));
        Assert.NotEqual(sent.CompletionToken, resent.CompletionToken);
        Assert.False(turn.Accepts(sent.CompletionToken));

        // Work no longer wanted leaves the queue.
        var cancelled = WorkDispatch.ForWorkflow(new WorkflowRequest { InstanceId = "wf-2" });
        dispatcher.Disconnect(b);
        dispatcher.Enqueue(cancelled);
        dispatcher.Complete(cancelled);
        Assert.Equal(1, dispatcher.QueuedCount);
    }

    private static List<WorkItem> Drain(WorkerStream stream)
    {
        var items = new List<WorkItem>();
        while (stream.Outbox.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }
}
