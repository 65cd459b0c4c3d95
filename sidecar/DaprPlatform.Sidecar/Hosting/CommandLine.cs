using System.Collections;
using System.Globalization;

namespace DaprPlatform.Sidecar.Hosting;

/// <summary>
/// Parses daprd's flags. daprd uses Go's flag package, so "-flag", "--flag", "--flag=value" and "--flag value"
/// are all accepted, and an unknown flag is an error rather than being ignored.
/// </summary>
public static class CommandLine
{
    private static readonly HashSet<string> BooleanFlags =
    [
        "enable-api-logging", "enable-metrics", "enable-app-health-check", "enable-profiling", "enable-mtls",
        "app-ssl", "log-as-json", "version",
    ];

    // Flags daprd has that only matter on Kubernetes or for features this sidecar does not run; accepted so that
    // command lines written for real daprd work unchanged.
    private static readonly HashSet<string> AcceptedAndIgnored =
    [
        "placement-host-address", "scheduler-host-address", "control-plane-address", "sentry-address", "mode",
        "profile-port", "enable-profiling", "enable-mtls", "log-as-json", "app-ssl", "dapr-graceful-shutdown-seconds",
        "dapr-block-shutdown-duration", "dapr-http-read-buffer-size", "read-buffer-size", "unix-domain-socket",
        "dapr-public-port", "dapr-public-listen-address", "trust-domain", "trust-anchors-file", "kubeconfig",
    ];

    public static SidecarOptions Parse(IReadOnlyList<string> args, IDictionary environment)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-" || arg == "--")
            {
                throw new CommandLineException($"unexpected argument '{arg}'");
            }

            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!IsKnown(name))
            {
                throw new CommandLineException($"flag provided but not defined: -{name}");
            }

            if (value is null)
            {
                if (BooleanFlags.Contains(name))
                {
                    value = "true";
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new CommandLineException($"flag needs an argument: -{name}");
                }
            }

            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }

            list.Add(value);
        }

        string? One(string name) => values.TryGetValue(name, out var v) ? v[^1] : null;
        int? Int(string name)
        {
            var raw = One(name);
            if (raw is null)
            {
                return null;
            }

            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new CommandLineException($"invalid value \"{raw}\" for flag -{name}: parse error");
        }

        bool Bool(string name, bool fallback)
        {
            var raw = One(name);
            if (raw is null)
            {
                return fallback;
            }

            return bool.TryParse(raw, out var b) ? b : throw new CommandLineException($"invalid boolean value \"{raw}\" for -{name}");
        }

        string? Env(string key) => environment.Contains(key) ? environment[key] as string : null;

        var resources = new List<string>();
        resources.AddRange(values.GetValueOrDefault("resources-path") ?? []);
        resources.AddRange(values.GetValueOrDefault("components-path") ?? []);

        var appPort = Int("app-port");
        if (appPort is <= 0 or > 65535)
        {
            appPort = null;
        }

        var protocol = (One("app-protocol") ?? "http").ToLowerInvariant();
        if (protocol is not ("http" or "https" or "grpc" or "grpcs" or "h2c"))
        {
            throw new CommandLineException($"invalid value \"{protocol}\" for flag -app-protocol: must be one of http, https, grpc, grpcs, h2c");
        }

        var home = Env("DAPR_DEV_HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dapr-dev");
        }

        var appId = One("app-id") ?? Env("APP_ID") ?? "";
        if (appId.Contains("||", StringComparison.Ordinal) || appId.Contains('.', StringComparison.Ordinal))
        {
            throw new CommandLineException($"invalid app id '{appId}': must not contain '.' or '||'");
        }

        return new SidecarOptions
        {
            AppId = appId,
            AppPort = appPort,
            HttpPort = Int("dapr-http-port") ?? 3500,
            GrpcPort = Int("dapr-grpc-port") ?? 50001,
            InternalGrpcPort = Int("dapr-internal-grpc-port"),
            MetricsPort = Int("metrics-port") ?? 9090,
            EnableMetrics = Bool("enable-metrics", true),
            ResourcesPaths = resources,
            ConfigPath = One("config"),
            AppProtocol = protocol,
            AppChannelAddress = One("app-channel-address") ?? "127.0.0.1",
            LogLevel = One("log-level") ?? "info",
            EnableApiLogging = Bool("enable-api-logging", false),
            ListenAddress = One("dapr-listen-addresses") ?? "127.0.0.1",
            AppMaxConcurrency = Int("app-max-concurrency") ?? -1,
            EnableAppHealthCheck = Bool("enable-app-health-check", false),
            AppHealthCheckPath = One("app-health-check-path") ?? "/healthz",
            AppHealthProbeInterval = TimeSpan.FromSeconds(Int("app-health-probe-interval") ?? 5),
            AppHealthProbeTimeout = TimeSpan.FromMilliseconds(Int("app-health-probe-timeout") ?? 500),
            AppHealthThreshold = Int("app-health-threshold") ?? 3,
            MaxBodySizeBytes = ParseSize(One("max-body-size") ?? One("dapr-http-max-request-size")),
            ApiToken = NullIfEmpty(Env("DAPR_API_TOKEN")),
            AppApiToken = NullIfEmpty(Env("APP_API_TOKEN")),
            Namespace = NullIfEmpty(Env("NAMESPACE")) ?? "default",
            ExplicitNamespace = NullIfEmpty(Env("NAMESPACE")),
            DevHome = home,
        };
    }

    private static bool IsKnown(string name) => name is
        "app-id" or "app-port" or "dapr-http-port" or "dapr-grpc-port" or "dapr-internal-grpc-port" or "metrics-port"
        or "enable-metrics" or "resources-path" or "components-path" or "config" or "app-protocol"
        or "app-channel-address" or "log-level" or "enable-api-logging" or "dapr-listen-addresses"
        or "app-max-concurrency" or "enable-app-health-check" or "app-health-check-path" or "app-health-probe-interval"
        or "app-health-probe-timeout" or "app-health-threshold" or "max-body-size" or "dapr-http-max-request-size"
        || AcceptedAndIgnored.Contains(name);

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>daprd takes sizes like "4Mi", or a bare number of megabytes for the older flag.</summary>
    private static long ParseSize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return 4 * 1024 * 1024;
        }

        ReadOnlySpan<(string Suffix, long Factor)> units = [("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024 * 1024 * 1024), ("k", 1000), ("M", 1_000_000), ("G", 1_000_000_000)];
        foreach (var (suffix, factor) in units)
        {
            if (raw.EndsWith(suffix, StringComparison.Ordinal) && long.TryParse(raw[..^suffix.Length], CultureInfo.InvariantCulture, out var n))
            {
                return n * factor;
            }
        }

        return long.TryParse(raw, CultureInfo.InvariantCulture, out var mb)
            ? mb * 1024 * 1024
            : throw new CommandLineException($"invalid size \"{raw}\"");
    }
}

public sealed class CommandLineException(string message) : Exception(message);
