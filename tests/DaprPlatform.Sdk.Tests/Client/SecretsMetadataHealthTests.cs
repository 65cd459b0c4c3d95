namespace DaprPlatform.Sdk.Tests.Client;

public sealed class SecretsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetSecretAsync_reads_the_secret_map_and_sends_metadata_as_query()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(200, """{"db-password":"s3cret"}"""));
        using var client = sidecar.CreateClient();

        var secret = await client.GetSecretAsync("secretstore", "db-password", new Dictionary<string, string> { ["namespace"] = "prod" }, Ct);

        Assert.Equal("s3cret", secret["db-password"]);
        var request = sidecar.SingleRequest();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1.0/secrets/secretstore/db-password?metadata.namespace=prod", request.RawTarget);
        Assert.Equal(RecordingSidecar.ApiToken, request.Header("dapr-api-token"));
    }

    [Fact]
    public async Task GetSecretAsync_of_a_nil_secret_is_empty()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        Assert.Empty(await client.GetSecretAsync("secretstore", "nothing", cancellationToken: Ct));
    }

    [Fact]
    public async Task GetBulkSecretAsync_reads_secret_name_to_fields()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(200, """{"db":{"user":"app","password":"pw"},"api-key":{"api-key":"k"}}"""));
        using var client = sidecar.CreateClient();

        var secrets = await client.GetBulkSecretAsync("secretstore", cancellationToken: Ct);

        Assert.Equal("/v1.0/secrets/secretstore/bulk", sidecar.SingleRequest().RawTarget);
        Assert.Equal("pw", secrets["db"]["password"]);
        Assert.Equal("k", secrets["api-key"]["api-key"]);
    }

    [Fact]
    public async Task An_unknown_secret_store_is_daprd_401_with_its_error_code()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Error(401, "ERR_SECRET_STORE_NOT_FOUND", "failed finding secret store with key nope"));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprApiException>(() => client.GetSecretAsync("nope", "k", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("ERR_SECRET_STORE_NOT_FOUND", error.ErrorCode);
    }
}

public sealed class MetadataTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetMetadataAsync_reads_daprd_metadata_document()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(200, """
            {"id":"ordering","runtimeVersion":"1.18.3","enabledFeatures":["SchedulerReminders"],
             "actors":[{"type":"Cart","count":2}],
             "components":[{"name":"statestore","type":"state.redis","version":"v1","capabilities":["ETAG","TRANSACTIONAL"]}],
             "extended":{"daprRuntimeVersion":"1.18.3","team":"orders"},
             "subscriptions":[{"pubsubname":"pubsub","topic":"orders","rules":[{"path":"/orders"}],"deadLetterTopic":"","type":"PROGRAMMATIC"}],
             "httpEndpoints":[{"name":"legacy"}],
             "appConnectionProperties":{"port":5000,"protocol":"http","channelAddress":"127.0.0.1","health":{"healthCheckPath":"/healthz","healthThreshold":3}},
             "actorRuntime":{"runtimeStatus":"RUNNING","hostReady":true}}
            """));
        using var client = sidecar.CreateClient();

        var metadata = await client.GetMetadataAsync(Ct);

        Assert.Equal("/v1.0/metadata", sidecar.SingleRequest().RawTarget);
        Assert.Equal("ordering", metadata.Id);
        Assert.Equal("1.18.3", metadata.RuntimeVersion);
        Assert.Equal(["SchedulerReminders"], metadata.EnabledFeatures);
        Assert.Equal(new DaprActorMetadata("Cart", 2), Assert.Single(metadata.Actors));
        var component = Assert.Single(metadata.Components);
        Assert.Equal("state.redis", component.Type);
        Assert.Equal(["ETAG", "TRANSACTIONAL"], component.Capabilities!);
        Assert.Equal("orders", metadata.Extended["team"]);
        var subscription = Assert.Single(metadata.Subscriptions);
        Assert.Equal("pubsub", subscription.PubSubName);
        Assert.Equal("/orders", Assert.Single(subscription.Rules!).Path);
        Assert.Equal("PROGRAMMATIC", subscription.Type);
        Assert.Equal("legacy", Assert.Single(metadata.HttpEndpoints).Name);
        Assert.Equal(5000, metadata.AppConnectionProperties?.Port);
        Assert.Equal("/healthz", metadata.AppConnectionProperties?.Health?.HealthCheckPath);
    }

    [Fact]
    public async Task SetMetadataAsync_puts_the_raw_value()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        await client.SetMetadataAsync("team", "orders & billing", Ct);

        var request = sidecar.SingleRequest();
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/v1.0/metadata/team", request.RawTarget);
        Assert.Equal("orders & billing", request.BodyText);
    }
}

public sealed class HealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitForSidecarAsync_polls_outbound_health_until_204()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(
            DaprResponses.Error(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "dapr outbound is not ready"),
            DaprResponses.Error(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "dapr outbound is not ready"));
        using var client = DaprClient.Create(new DaprClientOptions
        {
            HttpEndpoint = sidecar.Endpoint,
            ApiToken = RecordingSidecar.ApiToken,
            SidecarPollInterval = TimeSpan.FromMilliseconds(10),
        });

        await client.WaitForSidecarAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(3, sidecar.Requests.Count);
        Assert.All(sidecar.Requests, r => Assert.Equal(("GET", "/v1.0/healthz/outbound"), (r.Method, r.RawTarget)));
    }

    [Fact]
    public async Task WaitForSidecarAsync_times_out_when_the_sidecar_never_gets_ready()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.DefaultResponse = DaprResponses.Error(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "dapr outbound is not ready");
        using var client = sidecar.CreateClient();

        await Assert.ThrowsAsync<TimeoutException>(() => client.WaitForSidecarAsync(TimeSpan.FromMilliseconds(300), Ct));
        Assert.True(sidecar.Requests.Count >= 2);
    }

    [Fact]
    public async Task WaitForSidecarAsync_keeps_polling_through_refused_connections_and_honours_cancellation()
    {
        // Nothing listens on this port: every probe is a refused connection.
        using var client = DaprClient.Create(new DaprClientOptions { HttpEndpoint = $"http://127.0.0.1:{FreePort.Get()}" });
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitForSidecarAsync(cancellation.Token));
        Assert.False(await client.CheckOutboundHealthAsync(Ct));
    }

    [Fact]
    public async Task CheckHealthAsync_is_true_only_for_204()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.NoContent(), DaprResponses.Error(500, "ERR_HEALTH_NOT_READY", "dapr is not ready: [app]"));
        using var client = sidecar.CreateClient();

        Assert.True(await client.CheckHealthAsync(Ct));
        Assert.False(await client.CheckHealthAsync(Ct));
        Assert.All(sidecar.Requests, r => Assert.Equal("/v1.0/healthz", r.RawTarget));
    }
}

public sealed class ErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_plain_text_token_rejection_keeps_status_and_text()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Body(401, "text/plain; charset=utf-8", "invalid api token\n"));
        using var client = sidecar.CreateClient(apiToken: "wrong");

        var error = await Assert.ThrowsAsync<DaprApiException>(() => client.GetSecretAsync("secretstore", "k", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Null(error.ErrorCode);
        Assert.Equal("invalid api token", error.Message);
        Assert.Equal("wrong", sidecar.SingleRequest().Header("dapr-api-token"));
    }

    [Fact]
    public async Task Kit_errors_keep_their_details()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(400, """
            {"errorCode":"ERR_STATE_STORE_NOT_FOUND","message":"state store x is not found",
             "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"DAPR_STATE_NOT_FOUND","domain":"dapr.io"}]}
            """));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprApiException>(() => client.GetStateAsync<int>("x", "k", cancellationToken: Ct));

        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", error.ErrorCode);
        Assert.Equal("DAPR_STATE_NOT_FOUND", error.Details?[0].GetProperty("reason").GetString());
    }
}
