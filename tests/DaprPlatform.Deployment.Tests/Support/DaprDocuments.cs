using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>An overlay's dapr.io documents written out as files, so the sidecar's own loader reads them as daprd would.</summary>
public sealed class DaprDocuments : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("deployment-tests-dapr-");

    public DaprDocuments(OverlayBuild build)
    {
        Where = build.Where;
        Directory.CreateDirectory(ResourcesDir);
        Directory.CreateDirectory(ConfigDir);
        var index = 0;
        foreach (var manifest in build.Require().Where(m => m.IsDapr))
        {
            var file = $"{index++:000}-{manifest.Kind}-{manifest.Name}.yaml";
            if (manifest.Kind == "Configuration")
            {
                ConfigFiles[manifest.Name] = Path.Combine(ConfigDir, file);
                File.WriteAllText(ConfigFiles[manifest.Name], manifest.YamlText);
            }
            else
            {
                File.WriteAllText(Path.Combine(ResourcesDir, file), manifest.YamlText);
            }
        }
    }

    public string Where { get; }

    public string ResourcesDir => Path.Combine(_dir.FullName, "resources");

    private string ConfigDir => Path.Combine(_dir.FullName, "config");

    /// <summary>Configuration name → the file it was written to.</summary>
    public Dictionary<string, string> ConfigFiles { get; } = new(StringComparer.Ordinal);

    /// <summary>What the operator gives the sidecar of <paramref name="appId"/> in namespace daprplatform.</summary>
    public LoadedResources LoadFor(string appId) => ResourceLoader.Load(new SidecarOptions
    {
        AppId = appId,
        Namespace = "daprplatform",
        ExplicitNamespace = "daprplatform",
        ResourcesPaths = [ResourcesDir],
    });

    public void Dispose() => _dir.Delete(recursive: true);
}
