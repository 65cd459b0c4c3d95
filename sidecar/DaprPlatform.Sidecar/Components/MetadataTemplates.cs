using DaprPlatform.Sidecar.Hosting;

namespace DaprPlatform.Sidecar.Components;

/// <summary>
/// The template tags daprd expands in component metadata values: <c>{uuid}</c> (one per component, so every
/// sidecar instance gets its own consumer id, say), <c>{appID}</c>, <c>{namespace}</c> and <c>{podName}</c>
/// (the POD_NAME variable, or the host name outside Kubernetes).
/// </summary>
public static class MetadataTemplates
{
    public static string Expand(string value, SidecarOptions options, Guid componentUuid)
    {
        if (!value.Contains('{', StringComparison.Ordinal))
        {
            return value;
        }

        return value
            .Replace("{uuid}", componentUuid.ToString(), StringComparison.Ordinal)
            .Replace("{appID}", options.AppId, StringComparison.Ordinal)
            .Replace("{namespace}", options.Namespace, StringComparison.Ordinal)
            .Replace("{podName}", Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName, StringComparison.Ordinal);
    }
}
