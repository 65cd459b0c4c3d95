using System.Collections.Concurrent;

namespace DaprPlatform.Sidecar.Runtime.NameResolution;

/// <summary>Finds where another app's sidecar listens for sidecar-to-sidecar calls.</summary>
public interface INameResolver
{
    /// <summary>One live instance of the app in the namespace, rotating over replicas; null when none is running.</summary>
    PeerAddress? Resolve(string appId, string @namespace);

    /// <summary>Forgets what is cached for the app, after a call to it failed to connect.</summary>
    void Evict(string appId, string @namespace);
}

/// <summary>
/// Resolves app ids through the <see cref="FileAppRegistry"/>, caching each app's instance list briefly so the hot
/// path does not touch the disk, and re-reading at once on a miss so a sidecar that just started is found.
/// Instances of one app id are used in turn (round-robin), as replicas behind one name.
/// </summary>
public sealed class NameResolver(FileAppRegistry registry, TimeProvider time) : INameResolver
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromMilliseconds(1500);

    private readonly ConcurrentDictionary<(string AppId, string Namespace), Entry> _cache = new();

    public PeerAddress? Resolve(string appId, string @namespace)
    {
        var key = (appId, @namespace);
        var now = time.GetTimestamp();
        if (!_cache.TryGetValue(key, out var entry) || time.GetElapsedTime(entry.ReadAt, now) > CacheDuration)
        {
            var instances = registry.ReadInstances(appId)
                .Where(r => r.Namespace == @namespace)
                .Select(r => new PeerAddress(r.Host, r.InternalPort))
                .ToArray();
            if (instances.Length == 0)
            {
                _cache.TryRemove(key, out _);
                return null;
            }

            // Keep the rotation position across refreshes so replicas keep taking turns.
            entry = _cache.AddOrUpdate(
                key,
                static (_, state) => new Entry(state.instances, state.now, 0),
                static (_, old, state) => new Entry(state.instances, state.now, old.Next),
                (instances, now));
        }

        var next = Interlocked.Increment(ref entry.Next);
        return entry.Instances[(int)((uint)(next - 1) % (uint)entry.Instances.Length)];
    }

    public void Evict(string appId, string @namespace) => _cache.TryRemove((appId, @namespace), out _);

    private sealed class Entry(PeerAddress[] instances, long readAt, int next)
    {
        public PeerAddress[] Instances { get; } = instances;

        public long ReadAt { get; } = readAt;

        public int Next = next;
    }
}
