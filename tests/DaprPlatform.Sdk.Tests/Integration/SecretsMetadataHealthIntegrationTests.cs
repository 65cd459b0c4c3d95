using Microsoft.Extensions.Configuration;

namespace DaprPlatform.Sdk.Tests.Integration;

/// <summary>The SDK's secrets, secret-store configuration provider, metadata and health calls against a real sidecar.</summary>
public sealed class SecretsMetadataHealthIntegrationTests(SidecarClientFixture fixture) : IClassFixture<SidecarClientFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DaprClient Client => fixture.Client;

    [Fact]
    public async Task GetSecret_and_GetBulkSecret_read_the_local_file_store()
    {
        Assert.Equal(
            new Dictionary<string, string> { ["apiKey"] = "k-123" },
            await Client.GetSecretAsync(IntegrationComponents.SecretStore, "apiKey", cancellationToken: Ct));

        var bulk = await Client.GetBulkSecretAsync(IntegrationComponents.SecretStore, cancellationToken: Ct);
        Assert.Equal(IntegrationComponents.Secrets.Count, bulk.Count);
        Assert.Equal("Host=orders-db;Password=p@ss", bulk["ConnectionStrings__Orders"]["ConnectionStrings__Orders"]);
    }

    [Fact]
    public async Task A_missing_secret_is_ERR_SECRET_GET()
    {
        var error = await Assert.ThrowsAsync<DaprApiException>(
            () => Client.GetSecretAsync(IntegrationComponents.SecretStore, "nope", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("ERR_SECRET_GET", error.ErrorCode);
    }

    [Fact]
    public void AddDaprSecretStore_loads_secrets_into_configuration_with_double_underscore_sections()
    {
        var configuration = new ConfigurationBuilder()
            .AddDaprSecretStore(
                IntegrationComponents.SecretStore,
                ["ConnectionStrings__Orders", "apiKey"],
                options => options.Client = new DaprClientOptions { HttpEndpoint = $"http://127.0.0.1:{fixture.Sidecar.HttpPort}" })
            .Build();

        Assert.Equal("Host=orders-db;Password=p@ss", configuration.GetConnectionString("Orders"));
        Assert.Equal("k-123", configuration["apiKey"]);
    }

    [Fact]
    public async Task GetMetadata_reports_the_app_id_and_components_and_SetMetadata_adds_to_extended()
    {
        var metadata = await Client.GetMetadataAsync(Ct);

        Assert.Equal(fixture.AppId, metadata.Id);
        var components = metadata.Components.ToDictionary(c => c.Name);
        Assert.Equal("state.redis", components[IntegrationComponents.RedisStore].Type);
        Assert.Equal("state.in-memory", components[IntegrationComponents.MemoryStore].Type);
        Assert.Equal("pubsub.rabbitmq", components[IntegrationComponents.PubSub].Type);
        Assert.Equal("secretstores.local.file", components[IntegrationComponents.SecretStore].Type);

        await Client.SetMetadataAsync("sdk-integration", "set by the SDK", Ct);
        Assert.Equal("set by the SDK", (await Client.GetMetadataAsync(Ct)).Extended["sdk-integration"]);
    }

    [Fact]
    public async Task Health_checks_pass_against_a_running_sidecar()
    {
        await Client.WaitForSidecarAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.True(await Client.CheckOutboundHealthAsync(Ct));
        // No app port: daprd has no app channel to wait for, so the full health check passes too.
        Assert.True(await Client.CheckHealthAsync(Ct));
    }
}
