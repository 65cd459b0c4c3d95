using DaprPlatform.Cli.Launch;

namespace DaprPlatform.Cli.RunFile;

/// <summary>
/// Turns a parsed run file into launch specs with the Dapr CLI's rules (pkg/runfileconfig/run_file_config_parser.go):
/// common paths and appDirPath are relative to the file, an app's other paths to its appDirPath, "~" is the home
/// directory; every named path must exist. Resources: apps[i].resourcesPaths &gt; &lt;appDirPath&gt;/.dapr/resources &gt;
/// common.resourcesPaths &gt; the default. Config: apps[i].configFilePath &gt; &lt;appDirPath&gt;/.dapr/config.yaml &gt;
/// common.configFilePath &gt; the default. Settings an app leaves unset come from common; env maps merge with the
/// app's keys winning; appID defaults to the base name of appDirPath.
/// </summary>
internal static class RunFileResolver
{
    private const string DaprDirectoryName = ".dapr";

    public static IReadOnlyList<AppLaunchSpec> Resolve(RunFileDocument document, RunDefaults defaults, CliEnvironment environment)
    {
        var file = document.FilePath;
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(file))!;
        if (document.Version == 0)
        {
            throw new RunFileException(file, "version", "required field 'version' not found in the provided run template file");
        }

        var common = document.Common;
        var commonConfig = ExistingPath(environment, file, "common.configFilePath", common.ConfigFilePath, baseDirectory);
        var commonResources = common.ResourcesPaths
            .Select((p, i) => ExistingPath(environment, file, $"common.resourcesPaths[{i}]", p, baseDirectory)!)
            .ToList();
        if (ExistingPath(environment, file, "common.resourcesPath", common.ResourcesPath, baseDirectory) is { } single)
        {
            commonResources.Add(single);
        }

        if (document.Apps.Count == 0)
        {
            throw new RunFileException(file, "apps", "no apps to run");
        }

        var specs = new List<AppLaunchSpec>();
        foreach (var app in document.Apps)
        {
            specs.Add(ResolveApp(document, app, defaults, environment, baseDirectory, commonConfig, commonResources));
        }

        var duplicate = specs.GroupBy(s => s.AppId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            var index = specs.FindLastIndex(s => s.AppId == duplicate.Key);
            throw new RunFileException(file, $"apps[{index}].appID", $"app id '{duplicate.Key}' is used by more than one app");
        }

        return specs;
    }

    private static AppLaunchSpec ResolveApp(
        RunFileDocument document,
        RunFileApp app,
        RunDefaults defaults,
        CliEnvironment environment,
        string baseDirectory,
        string? commonConfig,
        List<string> commonResources)
    {
        var file = document.FilePath;
        if (string.IsNullOrWhiteSpace(app.AppDirPath))
        {
            throw new RunFileException(file, app.Field("appDirPath"), "required field 'appDirPath' not found");
        }

        var appDir = ExistingPath(environment, file, app.Field("appDirPath"), app.AppDirPath, baseDirectory)!;
        if (!Directory.Exists(appDir))
        {
            throw new RunFileException(file, app.Field("appDirPath"), $"'{appDir}' is not a directory");
        }

        var shared = app.Shared;
        var resources = shared.ResourcesPaths
            .Select((p, i) => ExistingPath(environment, file, app.Field($"resourcesPaths[{i}]"), p, appDir)!)
            .ToList();
        if (ExistingPath(environment, file, app.Field("resourcesPath"), shared.ResourcesPath, appDir) is { } single)
        {
            resources.Add(single);
        }

        var localResources = Path.Combine(appDir, DaprDirectoryName, "resources");
        if (resources.Count == 0)
        {
            resources = Directory.Exists(localResources) ? [localResources]
                : commonResources.Count > 0 ? [.. commonResources]
                : [.. defaults.ResourcesPaths];
        }

        var localConfig = Path.Combine(appDir, DaprDirectoryName, "config.yaml");
        var config = ExistingPath(environment, file, app.Field("configFilePath"), shared.ConfigFilePath, appDir)
            ?? (File.Exists(localConfig) ? localConfig : null)
            ?? commonConfig
            ?? defaults.ConfigPath;

        var merged = Merge(shared, document.Common);
        var appId = string.IsNullOrWhiteSpace(app.AppId) ? Path.GetFileName(appDir.TrimEnd(Path.DirectorySeparatorChar)) : app.AppId;
        ValidateAppId(file, app, appId);

        return new AppLaunchSpec
        {
            AppId = appId,
            WorkingDirectory = appDir,
            Command = app.Command,
            AppPort = app.AppPort > 0 ? app.AppPort : null,
            HttpPort = Positive(app.DaprHttpPort),
            GrpcPort = Positive(app.DaprGrpcPort),
            InternalGrpcPort = Positive(app.DaprInternalGrpcPort),
            MetricsPort = Positive(app.MetricsPort),
            ResourcesPaths = resources,
            ConfigPath = config,
            AppProtocol = Protocol(file, app, merged),
            AppChannelAddress = string.IsNullOrWhiteSpace(app.AppChannelAddress) ? AppLaunchSpec.DefaultAppChannelAddress : app.AppChannelAddress,
            LogLevel = LogLevel(file, app, merged.LogLevel),
            EnableApiLogging = merged.EnableApiLogging,
            ListenAddresses = merged.ApiListenAddresses,
            AppMaxConcurrency = Positive(merged.AppMaxConcurrency),
            MaxBodySize = merged.MaxBodySize,
            ReadBufferSize = merged.ReadBufferSize,
            EnableAppHealthCheck = merged.EnableAppHealthCheck,
            AppHealthCheckPath = merged.AppHealthCheckPath,
            AppHealthProbeInterval = Positive(merged.AppHealthProbeInterval),
            AppHealthProbeTimeout = Positive(merged.AppHealthProbeTimeout),
            AppHealthThreshold = Positive(merged.AppHealthThreshold),
            Environment = MergeEnv(shared.Env, document.Common.Env),
            AppLogDestination = Destination(file, app, "appLogDestination", shared.AppLogDestination, merged.AppLogDestination, LogDestination.FileAndConsole),
            DaprdLogDestination = Destination(file, app, "daprdLogDestination", shared.DaprdLogDestination, merged.DaprdLogDestination, LogDestination.File),
            LogsDirectory = Path.Combine(appDir, DaprDirectoryName, "logs"),
        };
    }

    /// <summary>Go's rule: a field the app leaves at its zero value takes common's value.</summary>
    private static RunFileSharedSettings Merge(RunFileSharedSettings app, RunFileSharedSettings common) => new()
    {
        AppProtocol = Pick(app.AppProtocol, common.AppProtocol),
        ApiListenAddresses = Pick(app.ApiListenAddresses, common.ApiListenAddresses),
        EnableProfiling = app.EnableProfiling || common.EnableProfiling,
        LogLevel = Pick(app.LogLevel, common.LogLevel),
        AppMaxConcurrency = app.AppMaxConcurrency != 0 ? app.AppMaxConcurrency : common.AppMaxConcurrency,
        AppSsl = app.AppSsl || common.AppSsl,
        MaxBodySize = Pick(app.MaxBodySize, common.MaxBodySize),
        ReadBufferSize = Pick(app.ReadBufferSize, common.ReadBufferSize),
        EnableAppHealthCheck = app.EnableAppHealthCheck || common.EnableAppHealthCheck,
        AppHealthCheckPath = Pick(app.AppHealthCheckPath, common.AppHealthCheckPath),
        AppHealthProbeInterval = app.AppHealthProbeInterval != 0 ? app.AppHealthProbeInterval : common.AppHealthProbeInterval,
        AppHealthProbeTimeout = app.AppHealthProbeTimeout != 0 ? app.AppHealthProbeTimeout : common.AppHealthProbeTimeout,
        AppHealthThreshold = app.AppHealthThreshold != 0 ? app.AppHealthThreshold : common.AppHealthThreshold,
        EnableApiLogging = app.EnableApiLogging || common.EnableApiLogging,
        DaprdLogDestination = Pick(app.DaprdLogDestination, common.DaprdLogDestination),
        AppLogDestination = Pick(app.AppLogDestination, common.AppLogDestination),
    };

    private static Dictionary<string, string> MergeEnv(IReadOnlyDictionary<string, string>? app, IReadOnlyDictionary<string, string>? common)
    {
        var env = new Dictionary<string, string>(common ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in app ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }

        return env;
    }

    private static string? Pick(string? app, string? common) => string.IsNullOrEmpty(app) ? common : app;

    private static int? Positive(int value) => value > 0 ? value : null;

    /// <summary>Resolves a path of the run file and checks that it exists, as the Dapr CLI does before starting anything.</summary>
    private static string? ExistingPath(CliEnvironment environment, string file, string field, string? path, string baseDirectory)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var resolved = environment.ResolvePath(path, baseDirectory);
        return File.Exists(resolved) || Directory.Exists(resolved)
            ? resolved
            : throw new RunFileException(file, field, $"path '{resolved}' does not exist");
    }

    private static string Protocol(string file, RunFileApp app, RunFileSharedSettings merged)
    {
        var protocol = (merged.AppProtocol ?? "http").ToLowerInvariant();
        if (!AppLaunchSpec.AppProtocols.Contains(protocol))
        {
            throw new RunFileException(file, FieldOf(app, "appProtocol", app.Shared.AppProtocol), $"'{merged.AppProtocol}' is not one of {string.Join(", ", AppLaunchSpec.AppProtocols)}");
        }

        // appSSL is the deprecated way of saying https/grpcs (the Dapr CLI's getAppProtocol).
        return merged.AppSsl ? protocol switch { "http" => "https", "grpc" => "grpcs", _ => protocol } : protocol;
    }

    private static string? LogLevel(string file, RunFileApp app, string? level) =>
        level is null || AppLaunchSpec.LogLevels.Contains(level)
            ? level
            : throw new RunFileException(file, FieldOf(app, "logLevel", app.Shared.LogLevel), $"'{level}' is not one of {string.Join(", ", AppLaunchSpec.LogLevels)}");

    private static LogDestination Destination(string file, RunFileApp app, string field, string? ownValue, string? value, LogDestination fallback)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        return LogDestinations.Parse(value)
            ?? throw new RunFileException(file, FieldOf(app, field, ownValue), $"invalid value '{value}'; valid values are {LogDestinations.ValidValues}");
    }

    /// <summary>The field to blame for a bad merged value: the app's own, or common's when the app inherited it.</summary>
    private static string FieldOf(RunFileApp app, string name, string? ownValue) =>
        string.IsNullOrEmpty(ownValue) ? $"common.{name}" : app.Field(name);

    private static void ValidateAppId(string file, RunFileApp app, string appId)
    {
        if (appId.Contains('.', StringComparison.Ordinal) || appId.Contains("||", StringComparison.Ordinal) || appId.Any(char.IsWhiteSpace))
        {
            throw new RunFileException(file, app.Field("appID"), $"invalid app id '{appId}': it must not contain '.', '||' or spaces");
        }
    }
}
