using Microsoft.Extensions.Configuration;

namespace DaprPlatform.Dapr.Client;

internal sealed class DaprSecretStoreConfigurationSource(string storeName, DaprSecretStoreConfigurationOptions options) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new DaprSecretStoreConfigurationProvider(storeName, options);
}
