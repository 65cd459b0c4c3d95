using Microsoft.Extensions.Configuration;

namespace DaprPlatform.Sdk.Tests.Client;

public sealed class SecretStoreConfigurationTests
{
    [Fact]
    public async Task Named_secrets_are_loaded_after_the_sidecar_is_ready_and_nested_keys_become_sections()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(
            DaprResponses.Error(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "not ready"),
            DaprResponses.NoContent(),
            DaprResponses.Json(200, """{"ConnectionStrings__Orders":"Host=db"}"""),
            DaprResponses.Json(200, """{"user":"app","password":"pw"}"""));

        var configuration = new ConfigurationBuilder()
            .AddDaprSecretStore("secretstore", ["ConnectionStrings__Orders", "db"], o => o.Client = Options(sidecar))
            .Build();

        Assert.Equal("Host=db", configuration.GetConnectionString("Orders"));
        Assert.Equal("pw", configuration["password"]);
        Assert.Equal(
            ["/v1.0/healthz/outbound", "/v1.0/healthz/outbound", "/v1.0/secrets/secretstore/ConnectionStrings__Orders", "/v1.0/secrets/secretstore/db"],
            sidecar.Requests.Select(r => r.RawTarget));
        Assert.All(sidecar.Requests.Skip(2), r => Assert.Equal(RecordingSidecar.ApiToken, r.Header("dapr-api-token")));
    }

    [Fact]
    public async Task Without_names_the_whole_store_is_read_in_bulk_with_metadata()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(
            DaprResponses.NoContent(),
            DaprResponses.Json(200, """{"smtp":{"Mail:Host":"mx","Mail__Port":"25"},"api":{"Api__Key":"k"}}"""));

        var configuration = new ConfigurationBuilder()
            .AddDaprSecretStore("secretstore", configure: o =>
            {
                o.Client = Options(sidecar);
                o.Metadata["namespace"] = "prod";
            })
            .Build();

        Assert.Equal("mx", configuration["Mail:Host"]);
        Assert.Equal("25", configuration.GetSection("Mail")["Port"]);
        Assert.Equal("k", configuration["Api:Key"]);
        Assert.Equal("/v1.0/secrets/secretstore/bulk?metadata.namespace=prod", sidecar.Requests[1].RawTarget);
    }

    [Fact]
    public void An_unreachable_sidecar_fails_start_up_loudly()
    {
        var builder = new ConfigurationBuilder().AddDaprSecretStore("secretstore", configure: o =>
        {
            o.Client = new DaprClientOptions { HttpEndpoint = $"http://127.0.0.1:{FreePort.Get()}" };
            o.SidecarWaitTimeout = TimeSpan.FromMilliseconds(300);
        });

        var error = Assert.Throws<DaprException>(() => builder.Build());

        Assert.Contains("secretstore", error.Message);
        Assert.IsType<TimeoutException>(error.InnerException);
    }

    [Fact]
    public async Task A_failing_store_fails_start_up_unless_optional()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(
            DaprResponses.NoContent(),
            DaprResponses.Error(401, "ERR_SECRET_STORE_NOT_FOUND", "failed finding secret store with key secretstore"),
            DaprResponses.NoContent(),
            DaprResponses.Error(401, "ERR_SECRET_STORE_NOT_FOUND", "failed finding secret store with key secretstore"));

        var required = Assert.Throws<DaprException>(() => new ConfigurationBuilder()
            .AddDaprSecretStore("secretstore", configure: o => o.Client = Options(sidecar))
            .Build());
        var optional = new ConfigurationBuilder()
            .AddDaprSecretStore("secretstore", configure: o =>
            {
                o.Client = Options(sidecar);
                o.Optional = true;
            })
            .Build();

        Assert.Equal("ERR_SECRET_STORE_NOT_FOUND", Assert.IsType<DaprApiException>(required.InnerException).ErrorCode);
        Assert.Empty(optional.AsEnumerable());
        Assert.Equal(4, sidecar.Requests.Count);
    }

    private static DaprClientOptions Options(RecordingSidecar sidecar) => new()
    {
        HttpEndpoint = sidecar.Endpoint,
        ApiToken = RecordingSidecar.ApiToken,
        SidecarPollInterval = TimeSpan.FromMilliseconds(10),
    };
}
