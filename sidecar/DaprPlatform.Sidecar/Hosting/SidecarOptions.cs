namespace DaprPlatform.Sidecar.Hosting;

/// <summary>The daprd command line and environment, parsed once at start-up.</summary>
public sealed record SidecarOptions
{
    public string AppId { get; init; } = "";
    public int? AppPort { get; init; }
    public int HttpPort { get; init; } = 3500;
    public int GrpcPort { get; init; } = 50001;
    public int? InternalGrpcPort { get; init; }
    public int MetricsPort { get; init; } = 9090;
    public bool EnableMetrics { get; init; } = true;
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];
    public string? ConfigPath { get; init; }
    public string AppProtocol { get; init; } = "http";
    public string AppChannelAddress { get; init; } = "127.0.0.1";
    public string LogLevel { get; init; } = "info";
    public bool EnableApiLogging { get; init; }
    public string ListenAddress { get; init; } = "127.0.0.1";
    public int AppMaxConcurrency { get; init; } = -1;
    public bool EnableAppHealthCheck { get; init; }
    public string AppHealthCheckPath { get; init; } = "/healthz";
    public TimeSpan AppHealthProbeInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan AppHealthProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
    public int AppHealthThreshold { get; init; } = 3;
    public long MaxBodySizeBytes { get; init; } = 4 * 1024 * 1024;
    public string? ApiToken { get; init; }
    public string? AppApiToken { get; init; }
    /// <summary>The namespace resources are filtered by: NAMESPACE, or "default" when it is unset (as daprd).</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>NAMESPACE exactly as set, or null; the "namespace" state key prefix falls back to the app id without it.</summary>
    public string? ExplicitNamespace { get; init; }
    /// <summary>Where sidecars on this machine register their app id (our stand-in for mDNS).</summary>
    public string DevHome { get; init; } = "";
}
