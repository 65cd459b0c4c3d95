namespace DaprPlatform.Cli.Registry;

/// <summary>One sidecar as its registry file describes it (fields other than the app id may be missing).</summary>
internal sealed record RegisteredApp(
    string AppId,
    string InstanceId,
    int? HttpPort,
    int? GrpcPort,
    int? AppPort,
    int? DaprdPid,
    DateTimeOffset? StartedAt,
    string FilePath);
