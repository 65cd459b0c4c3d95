using System.Collections.Concurrent;
using Npgsql;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>
/// Tells when orders become final (Confirmed or Cancelled) by reading the ordering database: one query by primary key
/// for every order waited on, every <see cref="Interval"/>, however many orders are in flight. Polling each order
/// through the gateway would put a GET through four hops and two JWT validations per order and poll on the system
/// being measured; this costs PostgreSQL one index lookup per waiting order and poll.
/// </summary>
public sealed class OrderStatusWatcher : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private readonly NpgsqlDataSource _database;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiting = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public OrderStatusWatcher(string orderingConnectionString)
    {
        _database = NpgsqlDataSource.Create(orderingConnectionString);
        _loop = Task.Run(PollAsync);
    }

    /// <summary>The order's final status once the ordering service has written it.</summary>
    public async Task<string> WaitForFinalAsync(string orderId, CancellationToken cancellationToken)
    {
        var waiter = _waiting.GetOrAdd(orderId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            return await waiter.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            _waiting.TryRemove(orderId, out _);
        }
    }

    /// <summary>Waits until every one of <paramref name="orderIds"/> is final; the final status by order (Pending for those that were not by the deadline).</summary>
    public async Task<IReadOnlyDictionary<string, string>> WaitForAllAsync(IReadOnlyCollection<string> orderIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var statuses = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var pending = orderIds.Where(id => !statuses.ContainsKey(id)).ToArray();
            foreach (var (id, status) in await ReadFinalAsync(pending, cancellationToken))
            {
                statuses[id] = status;
            }

            if (statuses.Count == orderIds.Count || DateTime.UtcNow >= deadline)
            {
                foreach (var id in orderIds.Where(id => !statuses.ContainsKey(id)))
                {
                    statuses[id] = "Pending";
                }

                return statuses;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (_waiting.IsEmpty)
                {
                    continue;
                }

                try
                {
                    foreach (var (id, status) in await ReadFinalAsync([.. _waiting.Keys], _stop.Token))
                    {
                        if (_waiting.TryGetValue(id, out var waiter))
                        {
                            waiter.TrySetResult(status);
                        }
                    }
                }
                catch (NpgsqlException)
                {
                    // A failed poll is retried on the next tick; the waiters' own deadlines bound the wait.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task<List<(string Id, string Status)>> ReadFinalAsync(string[] orderIds, CancellationToken cancellationToken)
    {
        var found = new List<(string, string)>();
        if (orderIds.Length == 0)
        {
            return found;
        }

        await using var command = _database.CreateCommand("""SELECT "Id", "Status" FROM orders WHERE "Id" = ANY($1) AND "Status" <> 'Pending'""");
        command.Parameters.Add(new NpgsqlParameter { Value = orderIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add((reader.GetString(0), reader.GetString(1)));
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        await _database.DisposeAsync();
    }
}
