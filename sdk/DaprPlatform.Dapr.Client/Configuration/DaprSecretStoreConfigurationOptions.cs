namespace DaprPlatform.Dapr.Client;

/// <summary>How <c>AddDaprSecretStore</c> loads secrets into configuration.</summary>
public sealed class DaprSecretStoreConfigurationOptions
{
    /// <summary>Sidecar address and token; defaults come from the environment like any <see cref="DaprClient"/>.</summary>
    public DaprClientOptions Client { get; set; } = new();

    /// <summary>Secrets to read one by one; when empty the whole store is read with the bulk API.</summary>
    public IList<string> SecretNames { get; } = [];

    /// <summary>Metadata sent with every secret request (e.g. <c>namespace</c> for Kubernetes).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();

    /// <summary>How long start-up waits for the sidecar's outbound health before giving up.</summary>
    public TimeSpan SidecarWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Separators in secret keys that mean "nested section"; they become <c>:</c>. Defaults to <c>__</c>, the
    /// convention of environment variables and stores (like Kubernetes) that cannot hold <c>:</c> in a key.
    /// </summary>
    public IList<string> KeyDelimiters { get; } = ["__"];

    /// <summary>When <c>true</c>, an unreachable sidecar or failing store leaves configuration empty instead of failing start-up.</summary>
    public bool Optional { get; set; }
}
