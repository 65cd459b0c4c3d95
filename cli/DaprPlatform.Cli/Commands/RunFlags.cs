using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Launch;

namespace DaprPlatform.Cli.Commands;

/// <summary>`run`'s flags (the Dapr CLI's, cmd/run.go) and how they become a launch spec.</summary>
internal static class RunFlags
{
    public static readonly IReadOnlyList<FlagSpec> All =
    [
        new("app-id", 'a', FlagKind.String, "The id for your application, used for service discovery", "a generated id"),
        new("app-port", 'p', FlagKind.Int, "The port your application is listening on"),
        new("app-protocol", 'P', FlagKind.String, "The protocol (grpc, grpcs, http, https, h2c) Dapr uses to talk to the application", "http"),
        new("app-channel-address", null, FlagKind.String, "The network address the application listens on", "127.0.0.1"),
        new("dapr-http-port", 'H', FlagKind.Int, "The HTTP port for Dapr to listen on", "a free port"),
        new("dapr-grpc-port", 'G', FlagKind.Int, "The gRPC port for Dapr to listen on", "a free port"),
        new("dapr-internal-grpc-port", 'I', FlagKind.Int, "The gRPC port for the Dapr internal API to listen on", "a free port"),
        new("metrics-port", 'M', FlagKind.Int, "The port of metrics on dapr", "a free port"),
        new("resources-path", null, FlagKind.StringList, "The path for resources directory (repeatable or comma separated)", "~/.dapr/components if it exists, else components/embedded"),
        new("components-path", 'd', FlagKind.String, "Deprecated: use --resources-path"),
        new("config", 'c', FlagKind.String, "Dapr configuration file", "~/.dapr/config.yaml if it exists"),
        new("log-level", null, FlagKind.String, "The log verbosity: debug, info, warn, error, fatal, or panic", "info"),
        new("enable-api-logging", null, FlagKind.Bool, "Log API calls at INFO verbosity"),
        new("dapr-listen-addresses", null, FlagKind.String, "Comma separated list of IP addresses that sidecar will listen to", "127.0.0.1"),
        new("app-max-concurrency", null, FlagKind.Int, "The concurrency level of the application", "unlimited"),
        new("max-body-size", null, FlagKind.String, "Max size of request body, e.g. 4Mi", "4Mi"),
        new("read-buffer-size", null, FlagKind.String, "HTTP header read buffer, e.g. 4Ki (accepted, not used)"),
        new("enable-app-health-check", null, FlagKind.Bool, "Enable health checks for the application"),
        new("app-health-check-path", null, FlagKind.String, "Path used for health checks; HTTP only"),
        new("app-health-probe-interval", null, FlagKind.Int, "Interval to probe for the health of the app in seconds"),
        new("app-health-probe-timeout", null, FlagKind.Int, "Timeout for app health probes in milliseconds"),
        new("app-health-threshold", null, FlagKind.Int, "Number of consecutive failures for the app to be considered unhealthy"),
        new("unix-domain-socket", 'u', FlagKind.String, "Accepted for compatibility and ignored: the sidecar listens on TCP ports"),
        new("enable-profiling", null, FlagKind.Bool, "Accepted for compatibility and ignored"),
        new("profile-port", null, FlagKind.Int, "Accepted for compatibility and ignored"),
        new("placement-host-address", null, FlagKind.String, "Accepted for compatibility and ignored"),
        new("scheduler-host-address", null, FlagKind.String, "Accepted for compatibility and ignored"),
        new("app-ssl", null, FlagKind.Bool, "Deprecated: use --app-protocol https or grpcs"),
        new("run-file", 'f', FlagKind.String, "Path to the run template file (or a directory holding dapr.yaml) for the list of apps to run"),
        new("kubernetes", 'k', FlagKind.Bool, "Not supported: dapr-dev runs apps on this machine only"),
        new("help", 'h', FlagKind.Bool, "Print this help message"),
    ];

    /// <summary>The flags that may accompany --run-file (the Dapr CLI's runFileCompatibleFlags, minus the unsupported ones).</summary>
    public static readonly IReadOnlySet<string> RunFileCompatible = new HashSet<string> { "run-file", "help" };

    private static readonly IReadOnlySet<string> Ignored = new HashSet<string>
    {
        "unix-domain-socket", "enable-profiling", "profile-port", "placement-host-address", "scheduler-host-address",
    };

    public static ParsedArguments Parse(IReadOnlyList<string> args) => ArgumentParser.Parse(args, All, commandFollows: true);

    /// <summary>Flags that are accepted but have no effect here, for a warning.</summary>
    public static IEnumerable<string> IgnoredGiven(ParsedArguments parsed) => parsed.Given.Where(Ignored.Contains);

    public static AppLaunchSpec ToLaunchSpec(ParsedArguments parsed, RunDefaults defaults, CliEnvironment environment)
    {
        if (parsed.Bool("kubernetes"))
        {
            throw new CliUsageException("--kubernetes is not supported: dapr-dev runs apps on this machine only");
        }

        var appId = parsed.String("app-id") ?? GeneratedAppId();
        if (appId.Contains('.', StringComparison.Ordinal) || appId.Contains("||", StringComparison.Ordinal) || appId.Any(char.IsWhiteSpace))
        {
            throw new CliUsageException($"invalid app id \"{appId}\": it must not contain '.', '||' or spaces");
        }

        var protocol = (parsed.String("app-protocol") ?? "http").ToLowerInvariant();
        if (!AppLaunchSpec.AppProtocols.Contains(protocol))
        {
            throw new CliUsageException($"invalid argument \"{protocol}\" for \"-P, --app-protocol\" flag: must be one of {string.Join(", ", AppLaunchSpec.AppProtocols)}");
        }

        if (parsed.Bool("app-ssl"))
        {
            protocol = protocol switch { "http" => "https", "grpc" => "grpcs", _ => protocol };
        }

        var logLevel = parsed.String("log-level");
        if (logLevel is not null && !AppLaunchSpec.LogLevels.Contains(logLevel))
        {
            throw new CliUsageException($"invalid argument \"{logLevel}\" for \"--log-level\" flag: must be one of {string.Join(", ", AppLaunchSpec.LogLevels)}");
        }

        var resources = parsed.List("resources-path").Select(p => environment.ResolvePath(p)).ToList();
        if (parsed.String("components-path") is { } componentsPath && resources.Count == 0)
        {
            resources.Add(environment.ResolvePath(componentsPath));
        }

        foreach (var path in resources.Where(p => !Directory.Exists(p)))
        {
            throw new CliUsageException($"error validating resources path \"{path}\": directory does not exist");
        }

        var config = parsed.String("config") is { } c ? environment.ResolvePath(c) : defaults.ConfigPath;
        if (config is not null && !File.Exists(config))
        {
            throw new CliUsageException($"config file \"{config}\" does not exist");
        }

        return new AppLaunchSpec
        {
            AppId = appId,
            WorkingDirectory = environment.CurrentDirectory,
            Command = parsed.Positionals,
            AppPort = parsed.Int("app-port") is > 0 and var port ? port : null,
            HttpPort = Positive(parsed.Int("dapr-http-port")),
            GrpcPort = Positive(parsed.Int("dapr-grpc-port")),
            InternalGrpcPort = Positive(parsed.Int("dapr-internal-grpc-port")),
            MetricsPort = Positive(parsed.Int("metrics-port")),
            ResourcesPaths = resources.Count > 0 ? resources : defaults.ResourcesPaths,
            ConfigPath = config,
            AppProtocol = protocol,
            AppChannelAddress = parsed.String("app-channel-address") is { Length: > 0 } address ? address : AppLaunchSpec.DefaultAppChannelAddress,
            LogLevel = logLevel,
            EnableApiLogging = parsed.Bool("enable-api-logging"),
            ListenAddresses = parsed.String("dapr-listen-addresses"),
            AppMaxConcurrency = Positive(parsed.Int("app-max-concurrency")),
            MaxBodySize = parsed.String("max-body-size"),
            ReadBufferSize = parsed.String("read-buffer-size"),
            EnableAppHealthCheck = parsed.Bool("enable-app-health-check"),
            AppHealthCheckPath = parsed.String("app-health-check-path"),
            AppHealthProbeInterval = Positive(parsed.Int("app-health-probe-interval")),
            AppHealthProbeTimeout = Positive(parsed.Int("app-health-probe-timeout")),
            AppHealthThreshold = Positive(parsed.Int("app-health-threshold")),
        };
    }

    private static int? Positive(int? value) => value is > 0 ? value : null;

    // The Dapr CLI makes up a name ("silly name") when --app-id is missing; a short random id does the same job.
    private static string GeneratedAppId() => $"app-{Guid.NewGuid():N}"[..12];
}
