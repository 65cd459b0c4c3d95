using System.Diagnostics;
using DaprPlatform.Sidecar.Runtime.NameResolution;
using DaprPlatform.Sidecar.Tests.Resiliency;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>The file registry that stands in for mDNS, and the resolver's namespaces, rotation, cache and stale entries.</summary>
public sealed class NameResolutionTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"daprplatform-registry-{Guid.NewGuid():N}");
    private readonly FileAppRegistry _registry;

    public NameResolutionTests() => _registry = new FileAppRegistry(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static AppRegistration Live(string appId, int port, string ns = "default") =>
        new(appId, ns, "127.0.0.1", port, port + 1, port + 2, Environment.ProcessId, DateTimeOffset.UtcNow);

    [Fact]
    public void Register_writes_an_entry_atomically_and_unregister_removes_it()
    {
        var file = _registry.Register(Live("orders", 5000), "instance-1");

        Assert.Equal(Path.Combine(_root, "orders", "instance-1.json"), file);
        Assert.Single(Directory.GetFiles(Path.Combine(_root, "orders")));
        var entry = Assert.Single(_registry.ReadInstances("orders"));
        Assert.Equal(Live("orders", 5000) with { StartedAt = entry.StartedAt }, entry);

        FileAppRegistry.Unregister(file);
        Assert.Empty(_registry.ReadInstances("orders"));
    }

    [Fact]
    public void Entry_of_an_exited_process_is_ignored_and_deleted()
    {
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        var file = _registry.Register(Live("orders", 5000) with { Pid = exited.Id }, "dead");
        _registry.Register(Live("orders", 6000), "alive");

        var instances = _registry.ReadInstances("orders");

        Assert.Equal(6000, Assert.Single(instances).InternalPort);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Entry_older_than_its_process_has_a_reused_pid_and_is_stale()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            _registry.Register(Live("orders", 5000) with { Pid = sleeper.Id }, "current");
            // An entry written a day before its pid's process started was written by an earlier owner of that pid.
            _registry.Register(Live("cart", 5000) with { Pid = sleeper.Id, StartedAt = DateTimeOffset.UtcNow.AddDays(-1) }, "reused");

            Assert.Single(_registry.ReadInstances("orders"));
            Assert.Empty(_registry.ReadInstances("cart"));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void Garbage_files_and_hostile_ids_are_not_entries()
    {
        Directory.CreateDirectory(Path.Combine(_root, "orders"));
        File.WriteAllText(Path.Combine(_root, "orders", "broken.json"), "{not json");

        Assert.Empty(_registry.ReadInstances("orders"));
        Assert.Empty(_registry.ReadInstances("../orders"));
        Assert.Empty(_registry.ReadInstances(""));
    }

    [Fact]
    public void Resolver_finds_only_the_namespace_asked()
    {
        _registry.Register(Live("orders", 5000, "prod"), "a");
        _registry.Register(Live("orders", 6000, "default"), "b");
        var resolver = new NameResolver(_registry, TimeProvider.System);

        Assert.Equal(new PeerAddress("127.0.0.1", 5000), resolver.Resolve("orders", "prod"));
        Assert.Equal(new PeerAddress("127.0.0.1", 6000), resolver.Resolve("orders", "default"));
        Assert.Null(resolver.Resolve("orders", "staging"));
        Assert.Null(resolver.Resolve("cart", "default"));
    }

    [Fact]
    public void Resolver_rotates_over_replicas()
    {
        _registry.Register(Live("orders", 5000), "a");
        _registry.Register(Live("orders", 6000), "b");
        _registry.Register(Live("orders", 7000), "c");
        var resolver = new NameResolver(_registry, TimeProvider.System);

        var ports = Enumerable.Range(0, 9).Select(_ => resolver.Resolve("orders", "default")!.Value.Port).ToList();

        Assert.Equal([5000, 6000, 7000], ports.Distinct().Order());
        Assert.All(ports.GroupBy(p => p), g => Assert.Equal(3, g.Count()));
    }

    [Fact]
    public void Resolver_caches_briefly_but_finds_a_new_app_at_once()
    {
        var clock = new ManualClock();
        var resolver = new NameResolver(_registry, clock);
        Assert.Null(resolver.Resolve("orders", "default"));

        var file = _registry.Register(Live("orders", 5000), "a");
        Assert.Equal(5000, resolver.Resolve("orders", "default")!.Value.Port);

        // Within the cache window a withdrawn entry is still used; after it, it is gone.
        FileAppRegistry.Unregister(file);
        Assert.Equal(5000, resolver.Resolve("orders", "default")!.Value.Port);
        clock.Advance(NameResolver.CacheDuration + TimeSpan.FromMilliseconds(1));
        Assert.Null(resolver.Resolve("orders", "default"));
    }

    [Fact]
    public void Evict_drops_the_cached_instances()
    {
        var resolver = new NameResolver(_registry, new ManualClock());
        var file = _registry.Register(Live("orders", 5000), "a");
        Assert.NotNull(resolver.Resolve("orders", "default"));
        FileAppRegistry.Unregister(file);

        resolver.Evict("orders", "default");

        Assert.Null(resolver.Resolve("orders", "default"));
    }
}
