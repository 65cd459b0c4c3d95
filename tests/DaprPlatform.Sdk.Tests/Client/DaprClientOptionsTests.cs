namespace DaprPlatform.Sdk.Tests.Client;

[Collection(EnvironmentCollection.Name)]
public sealed class DaprClientOptionsTests
{
    [Fact]
    public void Without_environment_the_sidecar_is_localhost_3500_and_no_token_is_sent()
    {
        using var _ = new EnvironmentScope(("DAPR_HTTP_ENDPOINT", null), ("DAPR_HTTP_PORT", null), ("DAPR_API_TOKEN", null));

        var options = new DaprClientOptions();

        Assert.Equal("http://localhost:3500", options.HttpEndpoint);
        Assert.Null(options.ApiToken);
    }

    [Fact]
    public void DAPR_HTTP_PORT_sets_the_local_port()
    {
        using var _ = new EnvironmentScope(("DAPR_HTTP_ENDPOINT", null), ("DAPR_HTTP_PORT", "3601"));

        Assert.Equal("http://localhost:3601", new DaprClientOptions().HttpEndpoint);
    }

    [Fact]
    public void DAPR_HTTP_ENDPOINT_takes_precedence_over_DAPR_HTTP_PORT()
    {
        using var _ = new EnvironmentScope(("DAPR_HTTP_ENDPOINT", "https://dapr.example:4443"), ("DAPR_HTTP_PORT", "3601"));

        using var client = DaprClient.Create();

        Assert.Equal(new Uri("https://dapr.example:4443"), client.HttpEndpoint);
    }

    [Fact]
    public async Task DAPR_API_TOKEN_is_sent_on_every_call()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var _ = new EnvironmentScope(("DAPR_HTTP_ENDPOINT", sidecar.Endpoint), ("DAPR_API_TOKEN", "from-env"));
        using var client = DaprClient.Create();

        await client.PublishEventAsync("pubsub", "t", 1, TestContext.Current.CancellationToken);
        await client.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.All(sidecar.Requests, r => Assert.Equal("from-env", r.Header("dapr-api-token")));
    }

    [Fact]
    public void An_endpoint_that_is_not_an_http_uri_is_rejected_up_front()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DaprClient.Create(new DaprClientOptions { HttpEndpoint = "localhost:3500" }));

        Assert.Contains("DAPR_HTTP_ENDPOINT", error.Message);
    }
}
