using System.Globalization;

namespace DaprPlatform.Cli.Launch;

/// <summary>The daprd flags for one app, as the Dapr CLI passes them (pkg/standalone/run.go getArgs).</summary>
internal static class DaprdCommandLine
{
    public static IReadOnlyList<string> Build(AppLaunchSpec spec, AppPorts ports)
    {
        var args = new List<string>
        {
            "--app-id", spec.AppId,
            "--dapr-http-port", Text(ports.Http),
            "--dapr-grpc-port", Text(ports.Grpc),
            "--dapr-internal-grpc-port", Text(ports.InternalGrpc),
            "--metrics-port", Text(ports.Metrics),
            "--app-protocol", spec.AppProtocol,
        };
        if (spec.AppPort is { } appPort)
        {
            args.AddRange(["--app-port", Text(appPort)]);
        }

        // daprd's own default is 127.0.0.1; the CLI passes the address only when it differs.
        if (spec.AppChannelAddress != AppLaunchSpec.DefaultAppChannelAddress)
        {
            args.AddRange(["--app-channel-address", spec.AppChannelAddress]);
        }

        foreach (var path in spec.ResourcesPaths)
        {
            args.AddRange(["--resources-path", path]);
        }

        AddIfSet(args, "--config", spec.ConfigPath);
        AddIfSet(args, "--log-level", spec.LogLevel);
        if (spec.EnableApiLogging)
        {
            args.Add("--enable-api-logging");
        }

        AddIfSet(args, "--dapr-listen-addresses", spec.ListenAddresses);
        AddIfSet(args, "--app-max-concurrency", spec.AppMaxConcurrency);
        AddIfSet(args, "--max-body-size", spec.MaxBodySize);
        AddIfSet(args, "--read-buffer-size", spec.ReadBufferSize);
        if (spec.EnableAppHealthCheck)
        {
            args.Add("--enable-app-health-check");
        }

        AddIfSet(args, "--app-health-check-path", spec.AppHealthCheckPath);
        AddIfSet(args, "--app-health-probe-interval", spec.AppHealthProbeInterval);
        AddIfSet(args, "--app-health-probe-timeout", spec.AppHealthProbeTimeout);
        AddIfSet(args, "--app-health-threshold", spec.AppHealthThreshold);
        return args;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void AddIfSet(List<string> args, string flag, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            args.AddRange([flag, value]);
        }
    }

    // The CLI leaves numeric settings out while they are unset (zero or negative).
    private static void AddIfSet(List<string> args, string flag, int? value)
    {
        if (value is > 0)
        {
            args.AddRange([flag, Text(value.Value)]);
        }
    }
}
