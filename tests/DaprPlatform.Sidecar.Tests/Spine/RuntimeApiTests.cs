using System.Net;
using System.Text;
using System.Text.Json;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

/// <summary>Health, metadata, API token and unknown routes on a real sidecar with an in-memory component set.</summary>
public sealed class RuntimeApiTests : IAsyncLifetime
{
    private const string Token = "s3cret-api-token";
    private readonly ResourcesDirectory _resources = new();
    private SidecarProcess? _sidecar;

    public async ValueTask InitializeAsync()
    {
        _resources.AddInMemoryPubSub()
            .AddComponent("statestore", "state.in-memory", new Dictionary<string, string> { ["actorStateStore"] = "true" });
        _sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = "runtime-test", ResourcesPaths = [_resources.Path], ApiToken = Token },
            TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }

        _resources.Dispose();
    }

    [Theory]
    [InlineData("v1.0/healthz")]
    [InlineData("v1.0/healthz/outbound")]
    public async Task Health_is_204_without_a_token(string path)
    {
        var response = await _sidecar!.HttpClient.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Health_rejects_another_app_id()
    {
        var response = await _sidecar!.HttpClient.GetAsync("v1.0/healthz?appid=someone-else", TestContext.Current.CancellationToken);

        await SecretsApiTests.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "ERR_HEALTH_APPID_NOT_MATCH");
    }

    [Fact]
    public async Task Api_calls_without_the_token_get_401_invalid_api_token()
    {
        var ct = TestContext.Current.CancellationToken;

        var missing = await _sidecar!.HttpClient.GetAsync("v1.0/metadata", ct);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "v1.0/metadata") { Headers = { { "dapr-api-token", "wrong" } } };
        var wrongResponse = await _sidecar.HttpClient.SendAsync(wrong, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("invalid api token", (await missing.Content.ReadAsStringAsync(ct)).Trim());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
    }

    [Fact]
    public async Task Metadata_lists_components_with_capabilities_and_extended_attributes()
    {
        var ct = TestContext.Current.CancellationToken;
        using var put = Authorized(HttpMethod.Put, "v1.0/metadata/myDemoAttribute");
        put.Content = new StringContent("myDemoAttributeValue", Encoding.UTF8, "text/plain");
        var putResponse = await _sidecar!.HttpClient.SendAsync(put, ct);

        using var get = Authorized(HttpMethod.Get, "v1.0/metadata");
        var response = await _sidecar.HttpClient.SendAsync(get, ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = json.RootElement;

        Assert.Equal(HttpStatusCode.NoContent, putResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("runtime-test", root.GetProperty("id").GetString());
        Assert.Equal("myDemoAttributeValue", root.GetProperty("extended").GetProperty("myDemoAttribute").GetString());
        var components = root.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("pubsub.in-memory", components["pubsub"].GetProperty("type").GetString());
        var capabilities = components["statestore"].GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("ETAG", capabilities);
        Assert.Contains("TRANSACTIONAL", capabilities);
        Assert.Contains("ACTOR", capabilities);
    }

    [Fact]
    public async Task An_unknown_route_is_daprds_invocation_fallback()
    {
        using var request = Authorized(HttpMethod.Get, "v1.0/workflow/dapr/typo");

        var response = await _sidecar!.HttpClient.SendAsync(request, TestContext.Current.CancellationToken);

        await SecretsApiTests.AssertErrorAsync(response, HttpStatusCode.NotFound, "ERR_DIRECT_INVOKE");
    }

    [Fact]
    public async Task Malformed_state_bodies_are_400()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = Authorized(HttpMethod.Post, "v1.0/state/statestore");
        request.Content = new StringContent("[{\"key\":", Encoding.UTF8, "application/json");

        var response = await _sidecar!.HttpClient.SendAsync(request, ct);

        await SecretsApiTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "ERR_MALFORMED_REQUEST");
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path) =>
        new(method, path) { Headers = { { "dapr-api-token", Token } } };
}
