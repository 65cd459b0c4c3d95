namespace DaprPlatform.Testing;

/// <summary>Keeps the last lines a child process wrote, for failure messages, and wakes up waiters for a line.</summary>
internal sealed class OutputRingBuffer(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new(capacity);
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private long _dropped;

    public void Add(string line)
    {
        List<TaskCompletionSource<string>>? matched = null;
        lock (_gate)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
                _dropped++;
            }

            _lines.Enqueue(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    (matched ??= []).Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        // Completed outside the lock: continuations may run inline.
        matched?.ForEach(found => found.TrySetResult(line));
    }

    public Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        lock (_gate)
        {
            foreach (var line in _lines)
            {
                if (match(line))
                {
                    return Task.FromResult(line);
                }
            }

            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
            return found.Task;
        }
    }

    public void CancelWaiter(Task<string> waiter)
    {
        lock (_gate)
        {
            _waiters.RemoveAll(w => w.Found.Task == waiter);
        }
    }

    /// <param name="maxLines">Only the most recent lines, for messages that must stay readable.</param>
    public string Snapshot(int maxLines = int.MaxValue)
    {
        lock (_gate)
        {
            var skipped = _dropped + Math.Max(0, _lines.Count - maxLines);
            var text = string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - maxLines)));
            return skipped == 0 ? text : $"[{skipped} earlier lines not shown]\n{text}";
        }
    }
}
