namespace DaprPlatform.Cli.RunFile;

/// <summary>
/// A run file as written (Dapr CLI pkg/runfileconfig: RunFileConfig). Go zero values mean "not set": 0 for numbers,
/// false for booleans, empty strings and lists; the CLI fills them from `common` and then from defaults.
/// </summary>
internal sealed record RunFileDocument(
    string FilePath,
    int Version,
    string? Name,
    RunFileSharedSettings Common,
    IReadOnlyList<RunFileApp> Apps,
    IReadOnlyList<string> Warnings);

/// <summary>The settings `common` shares with every app (the CLI's SharedRunConfig).</summary>
internal sealed record RunFileSharedSettings
{
    public string? ConfigFilePath { get; init; }

    public string? AppProtocol { get; init; }

    public string? ApiListenAddresses { get; init; }

    public bool EnableProfiling { get; init; }

    public string? LogLevel { get; init; }

    public int AppMaxConcurrency { get; init; }

    public string? PlacementHostAddress { get; init; }

    /// <summary>Deprecated single path; appended to <see cref="ResourcesPaths"/>.</summary>
    public string? ResourcesPath { get; init; }

    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    public bool AppSsl { get; init; }

    public string? MaxBodySize { get; init; }

    public string? ReadBufferSize { get; init; }

    public bool EnableAppHealthCheck { get; init; }

    public string? AppHealthCheckPath { get; init; }

    public int AppHealthProbeInterval { get; init; }

    public int AppHealthProbeTimeout { get; init; }

    public int AppHealthThreshold { get; init; }

    public bool EnableApiLogging { get; init; }

    public string? RuntimePath { get; init; }

    /// <summary>Null when the key is absent (then the app takes common's map whole).</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    public string? DaprdLogDestination { get; init; }

    public string? AppLogDestination { get; init; }

    public string? SchedulerHostAddress { get; init; }
}

/// <summary>One entry of `apps` (the CLI's App: RunConfig + container settings + appDirPath).</summary>
internal sealed record RunFileApp
{
    public required int Index { get; init; }

    public RunFileSharedSettings Shared { get; init; } = new();

    public string? AppDirPath { get; init; }

    public string? AppId { get; init; }

    public string? AppChannelAddress { get; init; }

    public int AppPort { get; init; }

    public int DaprHttpPort { get; init; }

    public int DaprGrpcPort { get; init; }

    public int DaprInternalGrpcPort { get; init; }

    public int MetricsPort { get; init; }

    public int ProfilePort { get; init; }

    public string? UnixDomainSocket { get; init; }

    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Kubernetes mode only (`dapr run -f -k`); ignored here.</summary>
    public string? ContainerImage { get; init; }

    public string Field(string name) => $"apps[{Index}].{name}";
}
