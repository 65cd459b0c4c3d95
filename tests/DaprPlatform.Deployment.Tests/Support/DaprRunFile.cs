using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Deployment.Tests.Support;

public sealed record RunFileApp(string Id, string AppDirPath, int? AppPort, string? ConfigPath, IReadOnlyDictionary<string, string> Env);

/// <summary>dapr.yaml, the multi-app run file: the description the others are compared with.</summary>
public sealed record DaprRunFile(IReadOnlyList<RunFileApp> Apps, IReadOnlyList<string> ResourcesPaths)
{
    public const string FileName = "dapr.yaml";

    public static DaprRunFile Load()
    {
        var root = Yaml.ReadSingle(Repo.Path(FileName));
        var common = root.At("common");
        var resources = common.At("resourcesPaths").Strings().Select(p => Path.GetFullPath(Path.Combine(Repo.Root, p))).ToList();
        var commonEnv = common.At("env").Props().ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "");

        var apps = root.At("apps").Items().Select(app =>
        {
            var dir = Path.GetFullPath(Path.Combine(Repo.Root, app.Str("appDirPath") ?? "."));
            // configFilePath is relative to the app's directory, as the Dapr CLI resolves it.
            var config = app.Str("configFilePath") is { } c ? Path.GetFullPath(Path.Combine(dir, c)) : null;
            var env = new Dictionary<string, string>(commonEnv);
            foreach (var (k, v) in app.At("env").Props())
            {
                env[k] = v?.ToString() ?? "";
            }

            return new RunFileApp(app.Str("appID") ?? "", dir, int.TryParse(app.Str("appPort"), out var port) ? port : null, config, env);
        }).ToList();

        return new DaprRunFile(apps, resources);
    }

    /// <summary>What daprd loads for <paramref name="app"/> from the run file's resources paths and its --config.</summary>
    public LoadedResources LoadFor(RunFileApp app) => ResourceLoader.Load(new SidecarOptions
    {
        AppId = app.Id,
        Namespace = "default",
        ResourcesPaths = ResourcesPaths,
        ConfigPath = app.ConfigPath,
    });
}
