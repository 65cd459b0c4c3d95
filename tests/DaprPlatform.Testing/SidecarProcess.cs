using System.Globalization;
using System.Net;
using System.Reflection;
using DaprPlatform.Cli.Launch;

namespace DaprPlatform.Testing;

/// <summary>
/// Our daprd-compatible sidecar running as a real process (the NativeAOT <c>daprd</c>, or <c>dotnet daprd.dll</c> for a
/// plain build, with daprd's flags),
/// started and ready (GET /v1.0/healthz/outbound answered 204) when <see cref="StartAsync"/> returns.
/// </summary>
public sealed class SidecarProcess : IAsyncDisposable
{
    /// <summary>The sidecar every sidecar of the test run runs (./test.sh sets it to the published NativeAOT daprd).</summary>
    public const string SidecarVariable = "DAPRPLATFORM_SIDECAR";

    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(10);

    private readonly ManagedProcess _process;

    private SidecarProcess(SidecarProcessOptions options, ManagedProcess process, int httpPort, int grpcPort, int internalPort, int metricsPort)
    {
        Options = options;
        _process = process;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
        InternalPort = internalPort;
        MetricsPort = metricsPort;
        HttpEndpoint = new Uri($"http://127.0.0.1:{httpPort}/");
        HttpClient = new HttpClient { BaseAddress = HttpEndpoint };
    }

    public SidecarProcessOptions Options { get; }

    public string AppId => Options.AppId;

    public int HttpPort { get; }

    public int GrpcPort { get; }

    public int InternalPort { get; }

    public int MetricsPort { get; }

    /// <summary>http://127.0.0.1:{HttpPort}/</summary>
    public Uri HttpEndpoint { get; }

    /// <summary>A client for the sidecar's HTTP API (base address <see cref="HttpEndpoint"/>, no dapr-api-token header).</summary>
    public HttpClient HttpClient { get; }

    public ManagedProcess Process => _process;

    /// <summary>The sidecar's recent output.</summary>
    public string Output => _process.Output;

    /// <summary>The sidecar this test run starts: <see cref="SidecarVariable"/>, else <see cref="DefaultSidecarPath"/>.</summary>
    public static string SidecarPath =>
        System.Environment.GetEnvironmentVariable(SidecarVariable) is { Length: > 0 } configured ? configured : DefaultSidecarPath;

    /// <summary>The daprd.dll built in the same configuration as the running tests (run on the dotnet host).</summary>
    public static string DefaultSidecarPath
    {
        get
        {
            var configuration = BuildConfiguration();
            return RepositoryRoot.Combine("sidecar", "DaprPlatform.Sidecar", "bin", configuration, "net10.0", "daprd.dll");
        }
    }

    /// <summary>Whether a process's command line runs a sidecar: a native daprd, or a daprd.dll on the dotnet host.</summary>
    public static bool IsSidecarCommandLine(IEnumerable<string> arguments) => arguments.Any(a => Path.GetFileName(a) is "daprd" or "daprd.dll");

    /// <summary>The runtime environment every sidecar starts with unless the caller set it (<c>SidecarRuntimeTuning</c>).</summary>
    public static IReadOnlyDictionary<string, string> RuntimeTuning => SidecarRuntimeTuning.Environment;

    public static async Task<SidecarProcess> StartAsync(SidecarProcessOptions options, CancellationToken cancellationToken = default)
    {
        var sidecar = options.SidecarPath ?? SidecarPath;
        if (!File.Exists(sidecar))
        {
            throw new FileNotFoundException(
                $"The sidecar is not built at {sidecar}; build sidecar/DaprPlatform.Sidecar in configuration '{BuildConfiguration()}' first.", sidecar);
        }

        var httpPort = options.HttpPort ?? FreePort.Get();
        var grpcPort = options.GrpcPort ?? FreePort.Get();
        var internalPort = options.InternalGrpcPort ?? FreePort.Get();
        var metricsPort = options.MetricsPort ?? FreePort.Get();

        var arguments = new List<string>
        {
            "--app-id", options.AppId,
            "--dapr-http-port", Invariant(httpPort),
            "--dapr-grpc-port", Invariant(grpcPort),
            "--dapr-internal-grpc-port", Invariant(internalPort),
            "--metrics-port", Invariant(metricsPort),
        };
        if (options.AppPort is { } appPort)
        {
            arguments.AddRange(["--app-port", Invariant(appPort)]);
        }

        foreach (var resourcesPath in options.ResourcesPaths)
        {
            arguments.AddRange(["--resources-path", resourcesPath]);
        }

        AddIfSet(arguments, "--config", options.ConfigPath);
        AddIfSet(arguments, "--app-protocol", options.AppProtocol);
        AddIfSet(arguments, "--log-level", options.LogLevel);
        arguments.AddRange(options.ExtraArguments);

        var environment = new Dictionary<string, string?>(options.Environment);
        SetIfGiven(environment, "DAPR_API_TOKEN", options.ApiToken);
        SetIfGiven(environment, "APP_API_TOKEN", options.AppApiToken);
        SetIfGiven(environment, "NAMESPACE", options.Namespace);
        SetIfGiven(environment, "DAPR_DEV_HOME", options.DaprDevHome);
        // As ./dapr-dev starts sidecars (SidecarRuntimeTuning says why); a setting of the test or the caller wins.
        foreach (var (name, value) in SidecarRuntimeTuning.Environment)
        {
            if (System.Environment.GetEnvironmentVariable(name) is null)
            {
                environment.TryAdd(name, value);
            }
        }

        var (fileName, commandLine) = SidecarCommand.For(sidecar, "dotnet", arguments);
        var process = ManagedProcess.Start(fileName, commandLine, environment, options.WorkingDirectory);
        var started = new SidecarProcess(options, process, httpPort, grpcPort, internalPort, metricsPort);
        try
        {
            await process.WaitForHttpAsync(
                $"http://127.0.0.1:{httpPort}/v1.0/healthz/outbound", HttpStatusCode.NoContent, options.StartupTimeout, cancellationToken, options.ReadinessPollInterval);
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The test run's sidecar started with exactly <paramref name="daprdArguments"/> and not waited for: for tests of
    /// how it fails to start.
    /// </summary>
    public static ManagedProcess StartWithArguments(IEnumerable<string> daprdArguments)
    {
        var (fileName, commandLine) = SidecarCommand.For(SidecarPath, "dotnet", daprdArguments);
        return ManagedProcess.Start(fileName, commandLine);
    }

    /// <summary>Graceful stop (SIGTERM, as daprd gets from the CLI), killed if it takes longer than 10 s.</summary>
    public Task StopAsync() => _process.StopAsync(GracefulStop);

    public async ValueTask DisposeAsync()
    {
        HttpClient.Dispose();
        await _process.DisposeAsync();
    }

    // This library is always built in the configuration of the test project that references it, so its own
    // attribute names the test assembly's configuration (and, under testhost, is not fooled by the host's).
    private static string BuildConfiguration() =>
        typeof(SidecarProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void AddIfSet(List<string> arguments, string flag, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            arguments.AddRange([flag, value]);
        }
    }

    private static void SetIfGiven(Dictionary<string, string?> environment, string name, string? value)
    {
        if (value is not null)
        {
            environment[name] = value;
        }
    }
}
