using System.Buffers;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Runtime.Workflow;

/// <summary>
/// The instances that are not terminal yet, so a restarted sidecar resumes them (daprd relies on scheduler
/// reminders for this). Spread over <see cref="ShardCount"/> keys so that adding or removing one instance rewrites
/// one small shard, not a list of every running workflow. A shard changes in the same transaction as the instance,
/// under the shard's lock.
/// </summary>
public sealed class WorkflowIndex
{
    public const int ShardCount = 256;

    private readonly HashSet<string>[] _shards = new HashSet<string>[ShardCount];
    private readonly SemaphoreSlim[] _locks = new SemaphoreSlim[ShardCount];

    public WorkflowIndex()
    {
        for (var i = 0; i < ShardCount; i++)
        {
            _shards[i] = new HashSet<string>(StringComparer.Ordinal);
            _locks[i] = new SemaphoreSlim(1, 1);
        }
    }

    /// <summary>A hash that is the same in every process (string.GetHashCode is randomized per process).</summary>
    public static int ShardOf(string instanceId)
    {
        var hash = 2166136261u;
        foreach (var c in instanceId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % ShardCount);
    }

    public void Load(int shard, IEnumerable<string> instanceIds)
    {
        lock (_shards[shard])
        {
            _shards[shard].UnionWith(instanceIds);
        }
    }

    public IReadOnlyList<string> All()
    {
        var all = new List<string>();
        foreach (var shard in _shards)
        {
            lock (shard)
            {
                all.AddRange(shard);
            }
        }

        return all;
    }

    /// <summary>Whether <paramref name="change"/> would change the index at all.</summary>
    public bool Affects(string instanceId, WorkflowIndexChange change)
    {
        var shard = _shards[ShardOf(instanceId)];
        lock (shard)
        {
            return change switch
            {
                WorkflowIndexChange.Add => !shard.Contains(instanceId),
                WorkflowIndexChange.Remove => shard.Contains(instanceId),
                _ => false,
            };
        }
    }

    public async Task<IDisposable> LockAsync(string instanceId, CancellationToken cancellationToken)
    {
        var gate = _locks[ShardOf(instanceId)];
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    /// <summary>The shard value with <paramref name="change"/> applied; call under <see cref="LockAsync"/>.</summary>
    public byte[] Encode(string instanceId, WorkflowIndexChange change)
    {
        var shard = _shards[ShardOf(instanceId)];
        lock (shard)
        {
            var ids = new List<string>(shard.Count + 1);
            foreach (var id in shard)
            {
                if (change != WorkflowIndexChange.Remove || !string.Equals(id, instanceId, StringComparison.Ordinal))
                {
                    ids.Add(id);
                }
            }

            if (change == WorkflowIndexChange.Add && !shard.Contains(instanceId))
            {
                ids.Add(instanceId);
            }

            return Encode(ids);
        }
    }

    /// <summary>Records a change once it is committed.</summary>
    public void Apply(string instanceId, WorkflowIndexChange change)
    {
        var shard = _shards[ShardOf(instanceId)];
        lock (shard)
        {
            _ = change switch
            {
                WorkflowIndexChange.Add => shard.Add(instanceId),
                WorkflowIndexChange.Remove => shard.Remove(instanceId),
                _ => false,
            };
        }
    }

    /// <summary>A shard is a JSON array of instance ids, so it can be read with redis-cli.</summary>
    public static byte[] Encode(IReadOnlyCollection<string> instanceIds)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + (instanceIds.Count * 40));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var id in instanceIds)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static IReadOnlyList<string> Decode(ReadOnlySpan<byte> json)
    {
        var ids = new List<string>();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                ids.Add(reader.GetString()!);
            }
        }

        return ids;
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
