using System.Globalization;

namespace DaprPlatform.Cli.Launch;

/// <summary>
/// The environment of the two processes of an app. Both start from the caller's environment (so
/// <c>APP_API_TOKEN=x ./dapr-dev run ...</c> reaches both). The app gets what `dapr run` adds
/// (pkg/standalone/run.go getEnv) and the run file's env; the sidecar gets the dev defaults its components expect.
/// </summary>
internal static class ProcessEnvironments
{
    /// <summary>Security settings daprd reads from its environment: a run file's env passes them to the sidecar too.</summary>
    private static readonly string[] SidecarVariablesFromRunFile = ["DAPR_API_TOKEN", "APP_API_TOKEN", "NAMESPACE"];

    public static Dictionary<string, string> ForApp(
        AppLaunchSpec spec, AppPorts ports, IReadOnlyDictionary<string, string> inherited)
    {
        var env = new Dictionary<string, string>(inherited, StringComparer.Ordinal)
        {
            ["APP_ID"] = spec.AppId,
            ["DAPR_HTTP_PORT"] = Text(ports.Http),
            ["DAPR_GRPC_PORT"] = Text(ports.Grpc),
            ["DAPR_METRICS_PORT"] = Text(ports.Metrics),
            ["APP_PROTOCOL"] = spec.AppProtocol,
        };
        if (spec.AppPort is { } appPort)
        {
            env["APP_PORT"] = Text(appPort);
        }

        if (spec.AppChannelAddress != AppLaunchSpec.DefaultAppChannelAddress)
        {
            env["APP_CHANNEL_ADDRESS"] = spec.AppChannelAddress;
        }

        foreach (var (name, value) in spec.Environment)
        {
            env[name] = value;
        }

        return env;
    }

    /// <param name="sidecarDefaults">Variables set only when the caller has not set them (<see cref="SidecarDefaults"/>).</param>
    public static Dictionary<string, string> ForSidecar(
        AppLaunchSpec spec, IReadOnlyDictionary<string, string> inherited, IReadOnlyDictionary<string, string> sidecarDefaults)
    {
        var env = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        foreach (var (name, value) in sidecarDefaults)
        {
            env.TryAdd(name, value);
        }

        foreach (var name in SidecarVariablesFromRunFile)
        {
            if (spec.Environment.TryGetValue(name, out var value))
            {
                env[name] = value;
            }
        }

        // A sidecar must not pick up the ASP.NET Core settings meant for the app it serves.
        env.Remove("ASPNETCORE_URLS");
        env.Remove("ASPNETCORE_HTTP_PORTS");
        env.Remove("ASPNETCORE_HTTPS_PORTS");
        return env;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
