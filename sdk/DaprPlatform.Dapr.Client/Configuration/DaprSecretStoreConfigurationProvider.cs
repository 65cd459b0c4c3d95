using Microsoft.Extensions.Configuration;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// Loads a Dapr secret store into configuration once, at start-up. A secret <c>Db__Password</c> (or
/// <c>Db:Password</c>) becomes the configuration key <c>Db:Password</c>.
/// </summary>
internal sealed class DaprSecretStoreConfigurationProvider(string storeName, DaprSecretStoreConfigurationOptions options) : ConfigurationProvider
{
    // IConfigurationProvider.Load is synchronous by contract; blocking here happens once, before the host starts.
    public override void Load() => LoadAsync().GetAwaiter().GetResult();

    private async Task LoadAsync()
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var client = DaprClient.Create(options.Client);
            await client.WaitForSidecarAsync(options.SidecarWaitTimeout).ConfigureAwait(false);

            var metadata = options.Metadata.Count == 0 ? null : new Dictionary<string, string>(options.Metadata);
            if (options.SecretNames.Count == 0)
            {
                var secrets = await client.GetBulkSecretAsync(storeName, metadata).ConfigureAwait(false);
                foreach (var secret in secrets.Values)
                {
                    AddAll(data, secret);
                }
            }
            else
            {
                foreach (var name in options.SecretNames)
                {
                    AddAll(data, await client.GetSecretAsync(storeName, name, metadata).ConfigureAwait(false));
                }
            }
        }
        catch (Exception ex) when (ex is DaprException or TimeoutException or HttpRequestException)
        {
            if (!options.Optional)
            {
                throw new DaprException($"Loading configuration from Dapr secret store '{storeName}' failed: {ex.Message}", ex);
            }

            data.Clear();
        }

        Data = data;
    }

    private void AddAll(Dictionary<string, string?> data, Dictionary<string, string> secret)
    {
        foreach (var (key, value) in secret)
        {
            data[ToConfigurationKey(key)] = value;
        }
    }

    private string ToConfigurationKey(string key)
    {
        foreach (var delimiter in options.KeyDelimiters)
        {
            key = key.Replace(delimiter, ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
        }

        return key;
    }
}
