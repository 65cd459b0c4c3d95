namespace DaprPlatform.Cli.State;

/// <summary>
/// What a running `dapr-dev run` / `run -f` / `up` started, so that `dapr-dev stop` can find it: the CLI's pid and
/// each app's processes (each the leader of its own process group).
/// </summary>
internal sealed record RunState(
    string? RunFile,
    int CliPid,
    DateTimeOffset StartedAt,
    IReadOnlyList<RunStateApp> Apps);

internal sealed record RunStateApp(
    string AppId,
    int DaprdPid,
    int? AppPid,
    int HttpPort,
    int GrpcPort,
    int? AppPort,
    string? Command,
    string? AppLogPath,
    string? DaprdLogPath);
