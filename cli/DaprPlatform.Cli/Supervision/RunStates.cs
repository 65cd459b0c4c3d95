using DaprPlatform.Cli.State;

namespace DaprPlatform.Cli.Supervision;

internal static class RunStates
{
    public static RunStateApp Of(AppInstance instance) => new(
        instance.Spec.AppId,
        instance.Sidecar?.Id ?? 0,
        instance.App?.Id,
        instance.Ports.Http,
        instance.Ports.Grpc,
        instance.Spec.AppPort,
        instance.Spec.Command.Count > 0 ? instance.AppCommandText : null,
        instance.Output.AppLog?.Path,
        instance.Output.DaprdLog?.Path);
}
