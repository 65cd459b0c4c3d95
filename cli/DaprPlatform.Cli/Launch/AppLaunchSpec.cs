namespace DaprPlatform.Cli.Launch;

/// <summary>
/// One app and its sidecar, fully resolved (paths absolute, run-file precedence applied), from `run` flags or one
/// entry of a run file. Ports left null are picked free at launch.
/// </summary>
internal sealed record AppLaunchSpec
{
    public required string AppId { get; init; }

    /// <summary>Working directory of both processes: the caller's for `run`, appDirPath for a run file.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The app command; empty runs the sidecar alone.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    public int? AppPort { get; init; }

    public int? HttpPort { get; init; }

    public int? GrpcPort { get; init; }

    public int? InternalGrpcPort { get; init; }

    public int? MetricsPort { get; init; }

    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    public string? ConfigPath { get; init; }

    public string AppProtocol { get; init; } = "http";

    public string AppChannelAddress { get; init; } = DefaultAppChannelAddress;

    public string? LogLevel { get; init; }

    public bool EnableApiLogging { get; init; }

    public string? ListenAddresses { get; init; }

    public int? AppMaxConcurrency { get; init; }

    public string? MaxBodySize { get; init; }

    public string? ReadBufferSize { get; init; }

    public bool EnableAppHealthCheck { get; init; }

    public string? AppHealthCheckPath { get; init; }

    public int? AppHealthProbeInterval { get; init; }

    public int? AppHealthProbeTimeout { get; init; }

    public int? AppHealthThreshold { get; init; }

    /// <summary>The run file's env (common merged under the app's); the app gets it on top of the caller's environment.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public LogDestination AppLogDestination { get; init; } = LogDestination.Console;

    public LogDestination DaprdLogDestination { get; init; } = LogDestination.Console;

    /// <summary>&lt;appDirPath&gt;/.dapr/logs for a run file; null for `run` (console only).</summary>
    public string? LogsDirectory { get; init; }

    public const string DefaultAppChannelAddress = "127.0.0.1";

    public static readonly IReadOnlyList<string> AppProtocols = ["http", "https", "grpc", "grpcs", "h2c"];

    public static readonly IReadOnlyList<string> LogLevels = ["debug", "info", "warn", "error", "fatal", "panic"];
}
