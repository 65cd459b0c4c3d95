using Dapr.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// Configuration from a Dapr secret store: every secret the sidecar lets this app read (its Configuration's secret
/// scopes decide which) becomes configuration, a nested key named with ':' as in "ConnectionStrings:orderingdb".
/// A key may spell the ':' as "__" ("ConnectionStrings__orderingdb"), as Dapr.Extensions.Configuration's key
/// delimiters do: a Kubernetes Secret's data keys cannot contain ':', and both spellings give the same configuration.
/// Written here because the package that does this (Dapr.Extensions.Configuration) is not served to this build;
/// it behaves like that package's AddDaprSecretStore with a bulk read.
/// </summary>
public static class DaprSecretStoreConfiguration
{
    /// <summary>Names the secret store to read at start (e.g. environment <c>Dapr__SecretStore=secretstore</c>).</summary>
    public const string StoreNameKey = "Dapr:SecretStore";

    public static readonly TimeSpan SidecarWaitTimeout = TimeSpan.FromSeconds(30);

    /// <summary>What a secret key stands for in place of ':' (the delimiter environment variables use too).</summary>
    public const string KeyDelimiter = "__";

    /// <summary>
    /// Adds the secrets when <see cref="StoreNameKey"/> is configured; otherwise nothing (tests set values directly).
    /// A <see cref="DatabaseMigrations.MigrateOnly"/> run reads no secrets: it has no sidecar, only its connection string.
    /// </summary>
    public static TBuilder AddDaprSecretStoreConfiguration<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (!DatabaseMigrations.MigrateOnly && builder.Configuration[StoreNameKey] is { Length: > 0 } store)
        {
            builder.Configuration.Add(new SecretStoreSource(store));
        }

        return builder;
    }

    private sealed class SecretStoreSource(string store) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new SecretStoreProvider(store);
    }

    private sealed class SecretStoreProvider(string store) : ConfigurationProvider
    {
        public override void Load() => LoadAsync().GetAwaiter().GetResult();

        private async Task LoadAsync()
        {
            // The configuration is needed before the host (and its DaprClient) exists: a client of its own, once.
            using var client = new DaprClientBuilder().Build();
            using (var wait = new CancellationTokenSource(SidecarWaitTimeout))
            {
                try
                {
                    await client.WaitForSidecarAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new InvalidOperationException($"The Dapr sidecar did not answer within {SidecarWaitTimeout.TotalSeconds:0} s; secret store '{store}' cannot be read.");
                }
            }

            Data = ToConfiguration(await client.GetBulkSecretAsync(store));
        }
    }

    /// <summary>A bulk read's secrets as configuration: every key of every secret, "__" read as ':'.</summary>
    internal static Dictionary<string, string?> ToConfiguration(IReadOnlyDictionary<string, Dictionary<string, string>> secrets)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var values in secrets.Values)
        {
            foreach (var (key, value) in values)
            {
                data[key.Replace(KeyDelimiter, ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = value;
            }
        }

        return data;
    }
}
