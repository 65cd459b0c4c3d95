namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// Hands work items to the connected workers: round robin over the streams that have room (at most
/// <see cref="WorkflowEngineOptions.MaxConcurrentWorkflowsPerWorker"/> turns and
/// <see cref="WorkflowEngineOptions.MaxConcurrentActivitiesPerWorker"/> activities in flight each). With no worker
/// connected, work waits in the queue. When a stream drops, what was in flight on it is queued again, first.
/// </summary>
public sealed class WorkItemDispatcher(WorkflowEngineOptions options)
{
    private readonly Lock _gate = new();
    private readonly List<WorkerStream> _streams = [];
    private readonly LinkedList<WorkDispatch> _workflows = new();
    private readonly LinkedList<WorkDispatch> _activities = new();
    private int _nextStream;
    private bool _shutdown;

    public int ConnectedWorkers
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>Queued (not yet sent) items, for diagnostics and tests.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_gate)
            {
                return _workflows.Count(d => d.State == WorkDispatchState.Queued) + _activities.Count(d => d.State == WorkDispatchState.Queued);
            }
        }
    }

    public WorkerStream Connect()
    {
        var stream = new WorkerStream(Guid.NewGuid().ToString("N"), options.MaxConcurrentWorkflowsPerWorker, options.MaxConcurrentActivitiesPerWorker);
        lock (_gate)
        {
            if (_shutdown)
            {
                stream.Close();
                return stream;
            }

            _streams.Add(stream);
            AssignAll();
        }

        return stream;
    }

    /// <summary>The stream ended: whatever it had in flight goes back to the front of the queue.</summary>
    public void Disconnect(WorkerStream stream)
    {
        lock (_gate)
        {
            if (Drop(stream))
            {
                AssignAll();
            }
        }
    }

    public void Enqueue(WorkDispatch dispatch)
    {
        lock (_gate)
        {
            if (dispatch.State is WorkDispatchState.Queued or WorkDispatchState.InFlight)
            {
                return;
            }

            dispatch.State = WorkDispatchState.Queued;
            dispatch.Token = null;
            QueueOf(dispatch.Kind).AddLast(dispatch);
            Assign(dispatch.Kind);
        }
    }

    /// <summary>The work is done (answered) or no longer wanted: frees its slot wherever it is.</summary>
    public void Complete(WorkDispatch dispatch)
    {
        lock (_gate)
        {
            var state = dispatch.State;
            dispatch.State = WorkDispatchState.Done;
            if (state == WorkDispatchState.Queued)
            {
                QueueOf(dispatch.Kind).Remove(dispatch);
            }
            else if (state == WorkDispatchState.InFlight && dispatch.Stream is { } stream)
            {
                Release(stream, dispatch);
                dispatch.Stream = null;
                Assign(dispatch.Kind);
            }
        }
    }

    /// <summary>Takes back work that is still queued (not yet sent); false once a worker has it.</summary>
    public bool TryWithdraw(WorkDispatch dispatch)
    {
        lock (_gate)
        {
            if (dispatch.State != WorkDispatchState.Queued)
            {
                return false;
            }

            QueueOf(dispatch.Kind).Remove(dispatch);
            dispatch.State = WorkDispatchState.Done;
            return true;
        }
    }

    /// <summary>Ends every stream (the sidecar is stopping) so workers see the stream close rather than hang.</summary>
    public void Shutdown()
    {
        lock (_gate)
        {
            _shutdown = true;
            foreach (var stream in _streams)
            {
                stream.Close();
            }
        }
    }

    private void AssignAll()
    {
        Assign(WorkKind.Workflow);
        Assign(WorkKind.Activity);
    }

    private void Assign(WorkKind kind)
    {
        var queue = QueueOf(kind);
        while (queue.First is { } node)
        {
            var stream = NextStreamWithRoom(kind);
            if (stream is null)
            {
                return;
            }

            queue.RemoveFirst();
            var dispatch = node.Value;
            var token = Guid.NewGuid().ToString();
            dispatch.Token = token;
            if (!stream.TrySend(dispatch.ToWorkItem(token)))
            {
                // The stream closed under us: keep this item queued and take back what the stream held.
                dispatch.Token = null;
                queue.AddFirst(node);
                Drop(stream);
                continue;
            }

            dispatch.State = WorkDispatchState.InFlight;
            dispatch.Stream = stream;
            stream.InFlight.Add(dispatch);
            if (kind == WorkKind.Workflow)
            {
                stream.WorkflowsInFlight++;
            }
            else
            {
                stream.ActivitiesInFlight++;
            }
        }
    }

    private bool Drop(WorkerStream stream)
    {
        stream.Close();
        if (!_streams.Remove(stream))
        {
            return false;
        }

        foreach (var dispatch in stream.InFlight)
        {
            dispatch.State = WorkDispatchState.Queued;
            dispatch.Stream = null;
            dispatch.Token = null;
            QueueOf(dispatch.Kind).AddFirst(dispatch);
        }

        stream.InFlight.Clear();
        stream.WorkflowsInFlight = 0;
        stream.ActivitiesInFlight = 0;
        return true;
    }

    private WorkerStream? NextStreamWithRoom(WorkKind kind)
    {
        for (var i = 0; i < _streams.Count; i++)
        {
            var index = (_nextStream + i) % _streams.Count;
            var stream = _streams[index];
            if (stream.HasRoomFor(kind))
            {
                _nextStream = (index + 1) % _streams.Count;
                return stream;
            }
        }

        return null;
    }

    private static void Release(WorkerStream stream, WorkDispatch dispatch)
    {
        if (!stream.InFlight.Remove(dispatch))
        {
            return;
        }

        if (dispatch.Kind == WorkKind.Workflow)
        {
            stream.WorkflowsInFlight--;
        }
        else
        {
            stream.ActivitiesInFlight--;
        }
    }

    private LinkedList<WorkDispatch> QueueOf(WorkKind kind) => kind == WorkKind.Workflow ? _workflows : _activities;
}
