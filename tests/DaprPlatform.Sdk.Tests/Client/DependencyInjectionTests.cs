using System.Text.Json.Serialization;
using DaprPlatform.Dapr.AspNetCore;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sdk.Tests.Client;

public sealed class DependencyInjectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddDaprClient_registers_one_shared_client_configured_in_code()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        var services = new ServiceCollection();
        services.AddDaprClient(o =>
        {
            o.HttpEndpoint = sidecar.Endpoint;
            o.ApiToken = "configured";
        });
        await using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredService<DaprClient>();
        var second = provider.GetRequiredService<DaprClient>();
        await first.SaveStateAsync("statestore", "k", 1, cancellationToken: Ct);

        Assert.Same(first, second);
        Assert.Equal("configured", sidecar.SingleRequest().Header("dapr-api-token"));
    }

    [Fact]
    public async Task AddDapr_serializes_with_the_apps_http_json_options()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        var services = new ServiceCollection();
        services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddDapr(o =>
        {
            o.HttpEndpoint = sidecar.Endpoint;
            o.ApiToken = null;
        });
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<DaprClient>().PublishEventAsync("pubsub", "t", new { Mode = ConsistencyMode.Strong }, Ct);

        JsonAssert.Equal("""{"mode":"Strong"}""", sidecar.SingleRequest().BodyText);
    }
}
