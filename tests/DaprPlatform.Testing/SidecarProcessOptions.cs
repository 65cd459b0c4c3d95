namespace DaprPlatform.Testing;

/// <summary>How to launch a sidecar: the daprd flags and environment. Ports left null are picked free.</summary>
public sealed record SidecarProcessOptions
{
    /// <summary>--app-id</summary>
    public required string AppId { get; init; }

    /// <summary>--app-port; null runs the sidecar without an app.</summary>
    public int? AppPort { get; init; }

    /// <summary>--dapr-http-port</summary>
    public int? HttpPort { get; init; }

    /// <summary>--dapr-grpc-port</summary>
    public int? GrpcPort { get; init; }

    /// <summary>--dapr-internal-grpc-port</summary>
    public int? InternalGrpcPort { get; init; }

    /// <summary>--metrics-port</summary>
    public int? MetricsPort { get; init; }

    /// <summary>One --resources-path per entry.</summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    /// <summary>--config (a Configuration YAML file).</summary>
    public string? ConfigPath { get; init; }

    /// <summary>--app-protocol (http, grpc, https, grpcs, h2c).</summary>
    public string? AppProtocol { get; init; }

    /// <summary>--log-level (debug, info, warn, error).</summary>
    public string? LogLevel { get; init; }

    /// <summary>DAPR_API_TOKEN: callers of the sidecar's API must send it as dapr-api-token.</summary>
    public string? ApiToken { get; init; }

    /// <summary>APP_API_TOKEN: the sidecar sends it to the app.</summary>
    public string? AppApiToken { get; init; }

    /// <summary>NAMESPACE</summary>
    public string? Namespace { get; init; }

    /// <summary>DAPR_DEV_HOME (where sidecars register apps); null inherits it, e.g. from ./test.sh.</summary>
    public string? DaprDevHome { get; init; }

    /// <summary>More environment for the sidecar; a null value removes an inherited variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>More command-line arguments, appended after the ones above.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>How long to wait for GET /v1.0/healthz/outbound to answer 204.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause between readiness checks; short when the time to ready is what is measured.</summary>
    public TimeSpan ReadinessPollInterval { get; init; } = HttpWait.DefaultPollInterval;

    /// <summary>
    /// The sidecar to run, a NativeAOT daprd or a daprd.dll; null means <see cref="SidecarProcess.SidecarPath"/>.
    /// </summary>
    public string? SidecarPath { get; init; }

    public string? WorkingDirectory { get; init; }
}
