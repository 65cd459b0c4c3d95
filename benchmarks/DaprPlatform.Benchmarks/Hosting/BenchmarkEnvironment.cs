using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// Everything a run needs outside this process: Redis and RabbitMQ (from the DAPRPLATFORM_* variables, or started with
/// infra/start.sh into a temp dir and stopped at the end), a Release build of the sidecar, and a private
/// DAPR_DEV_HOME so the run's sidecars find each other and nothing else.
/// </summary>
public sealed class BenchmarkEnvironment : IAsyncDisposable
{
    private readonly InfraFixture? _infra;
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<ResourcesDirectory> _resources = [];
    private readonly IReadOnlyDictionary<string, string> _sidecarEnvironment;

    private BenchmarkEnvironment(
        InfraFixture? infra, string sidecar, string devHome, string workDirectory, bool profile, string? logDirectory, IReadOnlyDictionary<string, string> sidecarEnvironment)
    {
        _sidecarEnvironment = sidecarEnvironment;
        _infra = infra;
        Profile = profile;
        LogDirectory = logDirectory;
        Sidecar = sidecar;
        DevHome = devHome;
        WorkDirectory = workDirectory;
    }

    public Infrastructure Infrastructure => _infra?.Infrastructure ?? throw new InvalidOperationException("This run started no servers.");

    public bool OwnsServers => _infra?.OwnsServers ?? false;

    /// <summary>The sidecar build every sidecar of the run starts (a NativeAOT daprd or a daprd.dll).</summary>
    public string Sidecar { get; private set; }

    /// <summary>Runs every sidecar started from now on from <paramref name="sidecar"/> (the builds compared side by side).</summary>
    public void UseSidecar(string sidecar) =>
        Sidecar = File.Exists(sidecar) ? sidecar : throw new FileNotFoundException($"There is no sidecar build at {sidecar}.", sidecar);

    /// <summary>Sidecars run with perf maps so <see cref="PerfProfiler"/> can name their hot functions.</summary>
    public bool Profile { get; }

    /// <summary>Where each sidecar's last output lines are saved when it stops (--logs); null keeps none.</summary>
    public string? LogDirectory { get; }

    public string DevHome { get; }

    /// <summary>Scratch files of the run (the dev home of its sidecars).</summary>
    public string WorkDirectory { get; }

    public static async Task<BenchmarkEnvironment> StartAsync(
        bool needsServers,
        bool rebuildSidecar,
        bool profile,
        string? logDirectory,
        IReadOnlyDictionary<string, string> sidecarEnvironment,
        TextWriter log,
        CancellationToken cancellationToken)
    {
        var sidecar = await SidecarBuild.EnsureAsync(rebuildSidecar, log, cancellationToken);
        var work = Path.Combine(Path.GetTempPath(), $"daprplatform-bench-{Guid.NewGuid():N}"[..32]);
        var devHome = Path.Combine(work, "dapr-dev");
        Directory.CreateDirectory(devHome);

        InfraFixture? infra = null;
        if (needsServers)
        {
            infra = new InfraFixture();
            var fromEnvironment = Infrastructure.FromEnvironment() is not null;
            log.WriteLine(fromEnvironment
                ? "Using Redis/RabbitMQ named by the DAPRPLATFORM_* variables."
                : "Starting Redis, PostgreSQL and RabbitMQ with infra/start.sh (stopped again at the end)...");
            await infra.InitializeAsync();
            log.WriteLine($"  redis {infra.RedisHost}, amqp port {infra.AmqpPort}");
        }

        if (profile && !PerfProfiler.IsAvailable)
        {
            throw new InvalidOperationException("--profile needs Linux perf (/usr/bin/perf; apt-get install linux-perf).");
        }

        if (logDirectory is not null)
        {
            Directory.CreateDirectory(logDirectory);
        }

        foreach (var (name, value) in sidecarEnvironment)
        {
            log.WriteLine($"Sidecar environment: {name}={value}");
        }

        return new BenchmarkEnvironment(infra, sidecar, devHome, work, profile, logDirectory, sidecarEnvironment);
    }

    /// <summary>Makes <paramref name="resource"/> stop when the run ends (in reverse order of registration).</summary>
    public T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    /// <param name="readinessPoll">The pause between readiness checks; short when the time to ready is measured.</param>
    public async Task<SidecarProcess> StartSidecarAsync(
        string appId, int? appPort, string resourcesPath, CancellationToken cancellationToken, TimeSpan? readinessPoll = null)
    {
        var sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions
            {
                AppId = appId,
                AppPort = appPort,
                ResourcesPaths = [resourcesPath],
                DaprDevHome = DevHome,
                SidecarPath = Sidecar,
                StartupTimeout = TimeSpan.FromSeconds(60),
                ReadinessPollInterval = readinessPoll ?? HttpWait.DefaultPollInterval,
                Environment = SidecarEnvironment(),
            },
            cancellationToken);
        return Own(sidecar);
    }

    /// <summary>
    /// The environment of a sidecar or app process: production-like (no development exception pages), plus perf
    /// maps when profiling.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string?> { ["DOTNET_ENVIRONMENT"] = null, ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        if (Profile)
        {
            foreach (var (name, value) in PerfProfiler.ProfiledEnvironment)
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    /// <summary>
    /// The environment of a process that should run like a sidecar without being one (the invocation floor's
    /// forwarders, which have the sidecar's runtime settings built in: sidecar/DaprPlatform.Sidecar/SidecarRuntime.props):
    /// the sidecars' launch tuning and environment, as <see cref="SidecarProcess"/> gives them to a sidecar.
    /// </summary>
    public IReadOnlyDictionary<string, string?> SidecarRuntimeEnvironment()
    {
        var environment = new Dictionary<string, string?>();
        foreach (var (name, value) in SidecarProcess.RuntimeTuning)
        {
            environment[name] = System.Environment.GetEnvironmentVariable(name) ?? value;
        }

        foreach (var (name, value) in SidecarEnvironment())
        {
            environment[name] = value;
        }

        return environment;
    }

    private Dictionary<string, string?> SidecarEnvironment()
    {
        var environment = new Dictionary<string, string?>(ProcessEnvironment());
        foreach (var (name, value) in _sidecarEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>A resources folder removed at the end of the run.</summary>
    public ResourcesDirectory CreateResources()
    {
        var resources = new ResourcesDirectory();
        _resources.Add(resources);
        return resources;
    }

    /// <summary>Stops every process and removes every folder of the scenario that just ran, so the next one runs alone.</summary>
    public async Task StopOwnedAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                if (LogDirectory is not null && _owned[i] is SidecarProcess sidecar)
                {
                    await File.WriteAllTextAsync(Path.Combine(LogDirectory, $"{sidecar.AppId}-{sidecar.Process.Id}.log"), sidecar.Output);
                }

                await _owned[i].DisposeAsync();
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"Cleanup: {e.Message}");
            }
        }

        _owned.Clear();
        foreach (var resources in _resources)
        {
            resources.Dispose();
        }

        _resources.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopOwnedAsync();
        if (_infra is not null)
        {
            await _infra.DisposeAsync();
        }

        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp dir is cleaned by the OS eventually.
        }
    }
}
