using Microsoft.Extensions.Configuration;

namespace DaprPlatform.ServiceDefaults.Tests;

/// <summary>
/// Secret keys as configuration keys: a Kubernetes Secret cannot name a data key with ':', so "__" stands for it, as
/// in environment variables and Dapr.Extensions.Configuration.
/// </summary>
public sealed class SecretStoreKeyTests
{
    private static IConfiguration Configuration(Dictionary<string, Dictionary<string, string>> secrets) =>
        new ConfigurationBuilder().AddInMemoryCollection(DaprSecretStoreConfiguration.ToConfiguration(secrets)).Build();

    [Fact]
    public void A_key_with_double_underscores_is_the_same_configuration_key_as_one_with_colons()
    {
        var configuration = Configuration(new()
        {
            // Kubernetes secret store: one secret, its data keys as they must be spelled there.
            ["ordering-secrets"] = new() { ["ConnectionStrings__orderingdb"] = "Host=db;Database=ordering", ["Jwt__Nested__SigningKeyPem"] = "pem" },
        });

        Assert.Equal("Host=db;Database=ordering", configuration.GetConnectionString("orderingdb"));
        Assert.Equal("pem", configuration["Jwt:Nested:SigningKeyPem"]);
        Assert.Null(configuration["ConnectionStrings__orderingdb"]);
    }

    [Fact]
    public void Keys_with_colons_and_plain_keys_are_kept_as_they_are()
    {
        // Local file secret store (nestedSeparator ":"): every secret is a key of its own.
        var configuration = Configuration(new()
        {
            ["ConnectionStrings:catalogdb"] = new() { ["ConnectionStrings:catalogdb"] = "Host=db;Database=catalog" },
            ["Plain"] = new() { ["Plain"] = "value" },
        });

        Assert.Equal("Host=db;Database=catalog", configuration.GetConnectionString("catalogdb"));
        Assert.Equal("value", configuration["Plain"]);
    }
}
