using Microsoft.Extensions.Configuration;

namespace DaprPlatform.Dapr.Client;

public static class DaprSecretStoreConfigurationExtensions
{
    /// <summary>
    /// Adds the secrets of Dapr store <paramref name="storeName"/> to configuration: the named
    /// <paramref name="secretNames"/>, or the whole store (bulk API) when none are given. Start-up waits for the
    /// sidecar (<see cref="DaprSecretStoreConfigurationOptions.SidecarWaitTimeout"/>) and fails loudly when the store
    /// cannot be read, unless <see cref="DaprSecretStoreConfigurationOptions.Optional"/> is set.
    /// </summary>
    public static IConfigurationBuilder AddDaprSecretStore(
        this IConfigurationBuilder builder,
        string storeName,
        IEnumerable<string>? secretNames = null,
        Action<DaprSecretStoreConfigurationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(storeName);

        var options = new DaprSecretStoreConfigurationOptions();
        foreach (var name in secretNames ?? [])
        {
            options.SecretNames.Add(name);
        }

        configure?.Invoke(options);
        return builder.Add(new DaprSecretStoreConfigurationSource(storeName, options));
    }
}
