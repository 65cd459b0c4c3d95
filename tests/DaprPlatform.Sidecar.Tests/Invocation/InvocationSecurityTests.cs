using System.Net;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>
/// A callee whose Configuration lets the caller use only some operations, and a caller that requires DAPR_API_TOKEN
/// from its app.
/// </summary>
public sealed class InvocationSecurityFixture : IAsyncLifetime
{
    public const string ApiToken = "caller-api-token";

    private ResourcesDirectory? _resources;

    public InvocationSidecars Sidecars { get; } = new();

    public string CalleeId { get; } = InvocationSidecars.UniqueId("guarded");

    public string CallerId { get; } = InvocationSidecars.UniqueId("tokened");

    public TargetApp App { get; private set; } = null!;

    public SidecarProcess Callee { get; private set; } = null!;

    public SidecarProcess Caller { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _resources = new ResourcesDirectory();
        var config = _resources.WriteConfiguration($"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: acl
            spec:
              accessControl:
                defaultAction: deny
                trustDomain: public
                policies:
                - appId: {CallerId}
                  defaultAction: deny
                  trustDomain: public
                  namespace: default
                  operations:
                  - name: /echo/allowed/**
                    httpVerb: ['GET', 'POST']
                    action: allow
                  - name: /Echo/Open
                    httpVerb: ['*']
                    action: allow
            """);
        App = await Sidecars.StartAppAsync();
        Callee = await Sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = CalleeId, AppPort = App.Port, ConfigPath = config });
        Caller = await Sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = CallerId, ApiToken = ApiToken });
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecars.DisposeAsync();
        _resources?.Dispose();
    }
}

/// <summary>Access control on the called side and API-token enforcement on the calling side.</summary>
public sealed class InvocationSecurityTests(InvocationSecurityFixture fixture) : IClassFixture<InvocationSecurityFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> InvokeAsync(HttpMethod verb, string method, bool withToken = true)
    {
        using var request = new HttpRequestMessage(verb, $"v1.0/invoke/{fixture.CalleeId}/method/{method}");
        if (withToken)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", InvocationSecurityFixture.ApiToken);
        }

        return await fixture.Caller.HttpClient.SendAsync(request, Ct);
    }

    [Theory]
    [InlineData("GET", "echo/allowed/x")]
    [InlineData("POST", "echo/allowed/deeper/path")]
    [InlineData("PUT", "echo/open")]
    [InlineData("DELETE", "echo/open/below")]
    [InlineData("GET", "echo/ALLOWED/Upper")]
    public async Task Allowed_operation_reaches_the_app(string verb, string method)
    {
        using var response = await InvokeAsync(new HttpMethod(verb), method);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("DELETE", "echo/allowed/x")]
    [InlineData("GET", "echo/secret")]
    [InlineData("GET", "echo")]
    public async Task Denied_operation_is_403_and_never_reaches_the_app(string verb, string method)
    {
        var before = fixture.App.Hits("/" + method);

        using var response = await InvokeAsync(new HttpMethod(verb), method);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(
            ("ERR_DIRECT_INVOKE",
             $"failed to invoke, id: {fixture.CalleeId}, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: spiffe://public/ns/default/{fixture.CallerId} operation: {method} verb: {verb}"),
            await InvocationSidecars.ErrorAsync(response));
        Assert.Equal(before, fixture.App.Hits("/" + method));
    }

    [Fact]
    public async Task Without_api_token_the_invocation_is_401()
    {
        using var response = await InvokeAsync(HttpMethod.Get, "echo/allowed/no-token", withToken: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid api token", (await response.Content.ReadAsStringAsync(Ct)).Trim());
        Assert.Equal(0, fixture.App.Hits("/echo/allowed/no-token"));
    }

    [Fact]
    public async Task Without_api_token_the_header_form_is_401_too()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "echo/allowed/header-form");
        request.Headers.TryAddWithoutValidation("dapr-app-id", fixture.CalleeId);
        request.Headers.TryAddWithoutValidation("dapr-api-token", "wrong-token");

        using var response = await fixture.Caller.HttpClient.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task With_api_token_the_call_goes_through_and_the_token_stays_with_the_sidecar()
    {
        using var response = await InvokeAsync(HttpMethod.Get, "echo/allowed/with-token");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(fixture.App.Last("/echo/allowed/with-token").Header("dapr-api-token"));
    }

    [Theory]
    [InlineData("v1.0/healthz")]
    [InlineData("v1.0/healthz/outbound")]
    public async Task Health_endpoints_need_no_api_token(string path)
    {
        using var response = await fixture.Caller.HttpClient.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
