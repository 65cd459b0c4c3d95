using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DaprPlatform.Cli.RunFile;

/// <summary>
/// Reads a run file (dapr.yaml) into <see cref="RunFileDocument"/>. Keys are the Dapr CLI's YAML tags, matched
/// case-sensitively as yaml.v2 does. Unknown keys are ignored like the Dapr CLI does, but reported as warnings
/// (an "appId" that should be "appID" is a common slip). A value of the wrong type is an error naming the field.
/// </summary>
internal static class RunFileParser
{
    private static readonly HashSet<string> SharedKeys =
    [
        "configFilePath", "appProtocol", "apiListenAddresses", "enableProfiling", "logLevel", "appMaxConcurrency",
        "placementHostAddress", "resourcesPath", "resourcesPaths", "appSSL", "maxBodySize", "readBufferSize",
        "enableAppHealthCheck", "appHealthCheckPath", "appHealthProbeInterval", "appHealthProbeTimeout",
        "appHealthThreshold", "enableApiLogging", "runtimePath", "env", "daprdLogDestination", "appLogDestination",
        "schedulerHostAddress",
    ];

    private static readonly HashSet<string> AppKeys =
    [
        "appDirPath", "appID", "appChannelAddress", "appPort", "daprHTTPPort", "daprGRPCPort", "daprInternalGRPCPort",
        "metricsPort", "profilePort", "unixDomainSocket", "command", "containerImage", "containerImagePullPolicy",
        "createService",
    ];

    public static RunFileDocument Parse(string filePath)
    {
        string text;
        try
        {
            text = File.ReadAllText(filePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RunFileException(filePath, "(file)", $"cannot be read: {e.Message}");
        }

        return Parse(filePath, text);
    }

    public static RunFileDocument Parse(string filePath, string text)
    {
        var reader = new Reader(filePath);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new RunFileException(filePath, "(file)", $"is not valid YAML: {e.InnerException?.Message ?? e.Message}", (int)e.Start.Line);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            throw new RunFileException(filePath, "version", "required field 'version' not found in the provided run template file");
        }

        var root = reader.Mapping(stream.Documents[0].RootNode, "(root)");
        int version = 0;
        string? name = null;
        var common = new RunFileSharedSettings();
        var apps = new List<RunFileApp>();
        foreach (var (key, value) in reader.Entries(root, "(root)"))
        {
            switch (key)
            {
                case "version":
                    version = reader.Int(value, "version");
                    break;
                case "name":
                    name = reader.String(value, "name");
                    break;
                case "common":
                    common = ReadShared(reader, reader.Mapping(value, "common"), "common", allowAppKeys: false);
                    break;
                case "apps":
                    var index = 0;
                    foreach (var item in reader.Sequence(value, "apps"))
                    {
                        apps.Add(ReadApp(reader, reader.Mapping(item, $"apps[{index}]"), index));
                        index++;
                    }

                    break;
                default:
                    reader.Unknown(key, "", value);
                    break;
            }
        }

        return new RunFileDocument(filePath, version, name, common, apps, reader.Warnings);
    }

    private static RunFileSharedSettings ReadShared(Reader reader, YamlMappingNode node, string path, bool allowAppKeys)
    {
        var shared = new RunFileSharedSettings();
        foreach (var (key, value) in reader.Entries(node, path))
        {
            var field = $"{path}.{key}";
            shared = key switch
            {
                "configFilePath" => shared with { ConfigFilePath = reader.String(value, field) },
                "appProtocol" => shared with { AppProtocol = reader.String(value, field) },
                "apiListenAddresses" => shared with { ApiListenAddresses = reader.String(value, field) },
                "enableProfiling" => shared with { EnableProfiling = reader.Bool(value, field) },
                "logLevel" => shared with { LogLevel = reader.String(value, field) },
                "appMaxConcurrency" => shared with { AppMaxConcurrency = reader.Int(value, field) },
                "placementHostAddress" => shared with { PlacementHostAddress = reader.String(value, field) },
                "resourcesPath" => shared with { ResourcesPath = reader.String(value, field) },
                "resourcesPaths" => shared with { ResourcesPaths = reader.StringList(value, field, splitCommas: true) },
                "appSSL" => shared with { AppSsl = reader.Bool(value, field) },
                "maxBodySize" => shared with { MaxBodySize = reader.String(value, field) },
                "readBufferSize" => shared with { ReadBufferSize = reader.String(value, field) },
                "enableAppHealthCheck" => shared with { EnableAppHealthCheck = reader.Bool(value, field) },
                "appHealthCheckPath" => shared with { AppHealthCheckPath = reader.String(value, field) },
                "appHealthProbeInterval" => shared with { AppHealthProbeInterval = reader.Int(value, field) },
                "appHealthProbeTimeout" => shared with { AppHealthProbeTimeout = reader.Int(value, field) },
                "appHealthThreshold" => shared with { AppHealthThreshold = reader.Int(value, field) },
                "enableApiLogging" => shared with { EnableApiLogging = reader.Bool(value, field) },
                "runtimePath" => shared with { RuntimePath = reader.String(value, field) },
                "env" => shared with { Env = reader.StringMap(value, field) },
                "daprdLogDestination" => shared with { DaprdLogDestination = reader.String(value, field) },
                "appLogDestination" => shared with { AppLogDestination = reader.String(value, field) },
                "schedulerHostAddress" => shared with { SchedulerHostAddress = reader.String(value, field) },
                _ when allowAppKeys && AppKeys.Contains(key) => shared,
                _ => reader.Unknown(key, path, value, shared),
            };
        }

        return shared;
    }

    private static RunFileApp ReadApp(Reader reader, YamlMappingNode node, int index)
    {
        var path = $"apps[{index}]";
        var app = new RunFileApp { Index = index, Shared = ReadShared(reader, node, path, allowAppKeys: true) };
        foreach (var (key, value) in reader.Entries(node, path))
        {
            var field = $"{path}.{key}";
            app = key switch
            {
                "appDirPath" => app with { AppDirPath = reader.String(value, field) },
                "appID" => app with { AppId = reader.String(value, field) },
                "appChannelAddress" => app with { AppChannelAddress = reader.String(value, field) },
                "appPort" => app with { AppPort = reader.Int(value, field) },
                "daprHTTPPort" => app with { DaprHttpPort = reader.Int(value, field) },
                "daprGRPCPort" => app with { DaprGrpcPort = reader.Int(value, field) },
                "daprInternalGRPCPort" => app with { DaprInternalGrpcPort = reader.Int(value, field) },
                "metricsPort" => app with { MetricsPort = reader.Int(value, field) },
                "profilePort" => app with { ProfilePort = reader.Int(value, field) },
                "unixDomainSocket" => app with { UnixDomainSocket = reader.String(value, field) },
                "command" => app with { Command = reader.StringList(value, field, splitCommas: false) },
                "containerImage" => app with { ContainerImage = reader.String(value, field) },
                "containerImagePullPolicy" => ValidatePullPolicy(reader, value, field, app),
                "createService" => ValidateBool(reader, value, field, app),
                _ => app,
            };
        }

        return app;
    }

    private static RunFileApp ValidatePullPolicy(Reader reader, YamlNode value, string field, RunFileApp app)
    {
        var policy = reader.String(value, field);
        return policy is null or "Always" or "Never" or "IfNotPresent"
            ? app
            : throw reader.Error(field, $"invalid containerImagePullPolicy: {policy}, allowed values: Always, Never, IfNotPresent", value);
    }

    /// <summary>Kubernetes-only settings are not used here, but a wrong type is still reported like the Dapr CLI does.</summary>
    private static RunFileApp ValidateBool(Reader reader, YamlNode value, string field, RunFileApp app)
    {
        reader.Bool(value, field);
        return app;
    }

    /// <summary>Typed access to YAML nodes with errors that name the file, field and line.</summary>
    private sealed class Reader(string file)
    {
        public List<string> Warnings { get; } = [];

        public IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode node, string path)
        {
            foreach (var (keyNode, value) in node.Children)
            {
                var key = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(path, "keys must be plain strings", keyNode);
                yield return (key, value);
            }
        }

        public YamlMappingNode Mapping(YamlNode node, string field) =>
            node as YamlMappingNode ?? throw Error(field, "must be a mapping (key: value pairs)", node);

        public IEnumerable<YamlNode> Sequence(YamlNode node, string field) => node switch
        {
            YamlSequenceNode sequence => sequence.Children,
            YamlScalarNode scalar when IsNull(scalar) => [],
            _ => throw Error(field, "must be a list", node),
        };

        public string? String(YamlNode node, string field) => node switch
        {
            YamlScalarNode scalar when IsNull(scalar) => null,
            YamlScalarNode scalar => scalar.Value,
            _ => throw Error(field, "must be a single value, not a list or mapping", node),
        };

        public int Int(YamlNode node, string field)
        {
            var text = String(node, field);
            if (text is null)
            {
                return 0;
            }

            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw Error(field, $"'{text}' is not a whole number", node);
        }

        public bool Bool(YamlNode node, string field)
        {
            var text = String(node, field);
            return text?.ToLowerInvariant() switch
            {
                null => false,
                "true" or "yes" or "on" or "y" => true,
                "false" or "no" or "off" or "n" => false,
                _ => throw Error(field, $"'{text}' is not true or false", node),
            };
        }

        public IReadOnlyList<string> StringList(YamlNode node, string field, bool splitCommas)
        {
            if (node is YamlScalarNode scalar)
            {
                if (IsNull(scalar))
                {
                    return [];
                }

                // The docs describe resourcesPaths as comma separated; the CLI's type is a list. Both work here.
                return splitCommas
                    ? scalar.Value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    : throw Error(field, "must be a list, e.g. [\"dotnet\", \"run\"]", node);
            }

            var items = new List<string>();
            var index = 0;
            foreach (var item in Sequence(node, field))
            {
                items.Add(String(item, $"{field}[{index}]") ?? throw Error($"{field}[{index}]", "must not be empty", item));
                index++;
            }

            return items;
        }

        public IReadOnlyDictionary<string, string> StringMap(YamlNode node, string field)
        {
            if (node is YamlScalarNode scalar && IsNull(scalar))
            {
                return new Dictionary<string, string>();
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in Entries(Mapping(node, field), field))
            {
                map[key] = String(value, $"{field}.{key}") ?? "";
            }

            return map;
        }

        public void Unknown(string key, string path, YamlNode value) => Unknown<object?>(key, path, value, null);

        public T Unknown<T>(string key, string path, YamlNode value, T result)
        {
            var field = path.Length == 0 ? key : $"{path}.{key}";
            var hint = AllKeys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            Warnings.Add(hint switch
            {
                null => $"{file}: {field}: unknown field, ignored (line {value.Start.Line})",
                _ when hint == key => $"{file}: {field}: only valid for an app (under apps), ignored (line {value.Start.Line})",
                _ => $"{file}: {field}: unknown field, ignored; did you mean '{hint}'? (line {value.Start.Line})",
            });
            return result;
        }

        public RunFileException Error(string field, string problem, YamlNode node) =>
            new(file, field, problem, (int)node.Start.Line);

        private static IEnumerable<string> AllKeys => SharedKeys.Concat(AppKeys).Concat(["version", "name", "common", "apps"]);

        private static bool IsNull(YamlScalarNode scalar) =>
            scalar.Style == ScalarStyle.Plain && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");
    }
}
