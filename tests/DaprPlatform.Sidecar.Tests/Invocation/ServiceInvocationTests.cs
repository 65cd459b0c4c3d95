using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>An app behind a "callee" sidecar (with APP_API_TOKEN) and a "caller" sidecar without an app, in one dev home.</summary>
public sealed class ServiceInvocationFixture : IAsyncLifetime
{
    public const string AppToken = "app-token-for-invocations";

    public InvocationSidecars Sidecars { get; } = new();

    public string CalleeId { get; } = InvocationSidecars.UniqueId("callee");

    public string CallerId { get; } = InvocationSidecars.UniqueId("caller");

    public TargetApp App { get; private set; } = null!;

    public SidecarProcess Callee { get; private set; } = null!;

    public SidecarProcess Caller { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await Sidecars.StartAppAsync();
        Callee = await Sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = CalleeId, AppPort = App.Port, AppApiToken = AppToken });
        Caller = await Sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = CallerId });
    }

    public ValueTask DisposeAsync() => Sidecars.DisposeAsync();
}

/// <summary>The test classes that share one <see cref="ServiceInvocationFixture"/> (run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class ServiceInvocationCollection : ICollectionFixture<ServiceInvocationFixture>
{
    public const string Name = "service invocation";
}

/// <summary>Service invocation through two real sidecars to a real app, the way daprd passes calls and answers.</summary>
[Collection(ServiceInvocationCollection.Name)]
public sealed class ServiceInvocationTests(ServiceInvocationFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Caller => fixture.Caller.HttpClient;

    private string Callee => fixture.CalleeId;

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task Every_verb_reaches_the_app_with_nested_path_and_query(string verb)
    {
        using var request = new HttpRequestMessage(new HttpMethod(verb), $"v1.0/invoke/{Callee}/method/echo/api/v1/{verb}?x=1&y=two%20words&x=3");
        if (verb is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("""{"n":1}""", Encoding.UTF8, "application/json");
        }

        using var response = await Caller.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = Json(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(verb, echo.GetProperty("method").GetString());
        Assert.Equal($"/echo/api/v1/{verb}?x=1&y=two%20words&x=3", echo.GetProperty("target").GetString());
        if (request.Content is not null)
        {
            Assert.Equal("""{"n":1}""", echo.GetProperty("body").GetString());
            Assert.Equal("application/json; charset=utf-8", echo.GetProperty("headers").GetProperty("content-type").GetString());
        }
    }

    [Fact]
    public async Task Head_passes_status_and_headers_without_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"v1.0/invoke/{Callee}/method/echo/head");
        using var response = await Caller.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from-app", response.Headers.GetValues("x-app-header").Single());
        Assert.Equal("HEAD", fixture.App.Last("/echo/head").Method);
    }

    [Fact]
    public async Task Method_path_is_cleaned_before_it_reaches_the_app()
    {
        var echo = Json(await Caller.GetStringAsync($"v1.0/invoke/{Callee}/method/echo//double///slashes/", Ct));

        Assert.Equal("/echo/double/slashes", echo.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Escaped_characters_in_the_method_arrive_escaped()
    {
        var echo = Json(await Caller.GetStringAsync($"v1.0/invoke/{Callee}/method/echo/a%20b/%C3%A9t%C3%A9/c%2Fd", Ct));

        // %2F is decoded like the rest (Go's URL.Path), so it becomes a path separator.
        Assert.Equal("/echo/a%20b/%C3%A9t%C3%A9/c/d", echo.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Headers_travel_both_ways_but_hop_by_hop_and_sidecar_headers_do_not()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1.0/invoke/{Callee}/method/echo/headers")
        {
            Content = new StringContent("x", Encoding.UTF8, "text/plain"),
        };
        request.Headers.TryAddWithoutValidation("x-custom", "custom-value");
        request.Headers.TryAddWithoutValidation("x-hop", "hop-value");
        request.Headers.Connection.Add("x-hop");
        request.Headers.TryAddWithoutValidation("grpc-trace-bin", "AAAA");
        request.Headers.TryAddWithoutValidation("destination-app-id", "someone-else");
        request.Headers.TryAddWithoutValidation("dapr-api-token", "client-sent-token");

        using var response = await Caller.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from-app", response.Headers.GetValues("x-app-header").Single());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var received = fixture.App.Last("/echo/headers");
        Assert.Equal("custom-value", received.Header("x-custom"));
        Assert.Equal("text/plain; charset=utf-8", received.Header("content-type"));
        Assert.Null(received.Header("x-hop"));
        Assert.Null(received.Header("grpc-trace-bin"));
        Assert.Null(received.Header("destination-app-id"));
        Assert.Null(received.Header("dapr-app-id"));
        // The app gets its own APP_API_TOKEN, never the token a caller sent.
        Assert.Equal(ServiceInvocationFixture.AppToken, received.Header("dapr-api-token"));
    }

    [Theory]
    [InlineData("/_dapr/internal/invoke/echo/internal", HttpStatusCode.OK)]
    [InlineData("/v1.0/invoke/{callee}/method/echo/internal", HttpStatusCode.NotFound)]
    [InlineData("/v1.0/healthz", HttpStatusCode.NotFound)]
    [InlineData("/_dapr/internal/invokeX/echo/internal", HttpStatusCode.NotFound)]
    public async Task The_internal_port_serves_only_calls_from_other_sidecars(string path, HttpStatusCode expected)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Callee.InternalPort}") };
        using var request = new HttpRequestMessage(HttpMethod.Get, path.Replace("{callee}", Callee, StringComparison.Ordinal));
        request.Headers.TryAddWithoutValidation("dapr-caller-app-id", fixture.CallerId);

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(fixture.CallerId, fixture.App.Last("/echo/internal").Header("dapr-caller-app-id"));
        }
    }

    [Fact]
    public async Task Caller_and_callee_identity_is_stamped_by_sidecars_not_taken_from_the_caller()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1.0/invoke/{Callee}/method/echo/identity");
        request.Headers.TryAddWithoutValidation("dapr-caller-app-id", "spoofed");
        request.Headers.TryAddWithoutValidation("dapr-caller-namespace", "spoofed-ns");
        request.Headers.TryAddWithoutValidation("dapr-callee-app-id", "spoofed-callee");

        using var response = await Caller.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = fixture.App.Last("/echo/identity");
        Assert.Equal(fixture.CallerId, received.Header("dapr-caller-app-id"));
        Assert.Equal("default", received.Header("dapr-caller-namespace"));
        Assert.Equal(Callee, received.Header("dapr-callee-app-id"));
        Assert.False(string.IsNullOrEmpty(received.Header("x-forwarded-for")));
        Assert.False(string.IsNullOrEmpty(received.Header("x-forwarded-host")));
        Assert.Matches("^for=.+;by=.+;host=.+$", received.Header("forwarded"));
    }

    [Theory]
    [InlineData(201)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task App_status_and_body_are_passed_back_verbatim(int status)
    {
        using var response = await Caller.GetAsync($"v1.0/invoke/{Callee}/method/status/{status}", Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal($"app says {status}", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("x-app-status").Single());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task App_id_header_makes_the_whole_path_the_method_and_is_not_forwarded()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "echo/checkout/100?q=1") { Content = new StringContent("order") };
        request.Headers.TryAddWithoutValidation("dapr-app-id", Callee);

        using var response = await Caller.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = Json(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/echo/checkout/100?q=1", echo.GetProperty("target").GetString());
        Assert.Equal("order", echo.GetProperty("body").GetString());
        Assert.Null(fixture.App.Last("/echo/checkout/100").Header("dapr-app-id"));
    }

    [Fact]
    public async Task App_id_header_wins_over_the_url_form()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1.0/invoke/nosuchapp/method/x");
        request.Headers.TryAddWithoutValidation("dapr-app-id", Callee);

        using var response = await Caller.SendAsync(request, Ct);

        // The header names the app; the whole path (here an invoke URL) is the method.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no such route", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/v1.0/invoke/nosuchapp/method/x", fixture.App.Received.Last().Target);
    }

    [Fact]
    public async Task Basic_auth_with_user_dapr_app_id_names_the_app()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "echo/basic/form");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"DAPR-APP-ID:{Callee}")));

        using var response = await Caller.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/echo/basic/form", Json(await response.Content.ReadAsStringAsync(Ct)).GetProperty("target").GetString());
    }

    [Fact]
    public async Task Namespaced_app_id_reaches_the_app_in_that_namespace()
    {
        var echo = Json(await Caller.GetStringAsync($"v1.0/invoke/{Callee}.default/method/echo/namespaced", Ct));
        Assert.Equal("/echo/namespaced", echo.GetProperty("target").GetString());

        using var other = await Caller.GetAsync($"v1.0/invoke/{Callee}.elsewhere/method/echo", Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, other.StatusCode);
        Assert.Equal(("ERR_DIRECT_INVOKE", $"failed to invoke, id: {Callee}.elsewhere, err: couldn't find service: {Callee}"), await InvocationSidecars.ErrorAsync(other));
    }

    [Fact]
    public async Task Unknown_app_is_500_could_not_find_service()
    {
        using var response = await Caller.GetAsync("v1.0/invoke/nosuchapp/method/anything", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(("ERR_DIRECT_INVOKE", "failed to invoke, id: nosuchapp, err: couldn't find service: nosuchapp"), await InvocationSidecars.ErrorAsync(response));
    }

    [Fact]
    public async Task No_app_id_anywhere_is_404()
    {
        using var response = await Caller.GetAsync("some/unknown/route", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(("ERR_DIRECT_INVOKE", "failed getting app id either from the URL path or the header dapr-app-id"), await InvocationSidecars.ErrorAsync(response));
    }

    [Fact]
    public async Task Empty_method_is_400()
    {
        using var response = await Caller.GetAsync($"v1.0/invoke/{Callee}/method/", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_DIRECT_INVOKE_METHOD", (await InvocationSidecars.ErrorAsync(response)).ErrorCode);
    }

    [Fact]
    public async Task Unsupported_verb_is_refused()
    {
        using var request = new HttpRequestMessage(new HttpMethod("PROPFIND"), $"v1.0/invoke/{Callee}/method/echo");
        using var response = await Caller.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(
            ("ERR_DIRECT_INVOKE", $"failed to invoke, id: {Callee}, err: rpc error: code = InvalidArgument desc = invalid HTTP verb"),
            await InvocationSidecars.ErrorAsync(response));
    }

    [Fact]
    public async Task Traceparent_keeps_the_trace_id_with_a_new_span_and_tracestate_passes()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1.0/invoke/{Callee}/method/echo/traced");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=value");

        using var response = await Caller.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = fixture.App.Last("/echo/traced");
        var parts = received.Header("traceparent")!.Split('-');
        Assert.Equal(["00", traceId], parts[..2]);
        Assert.NotEqual("00f067aa0ba902b7", parts[2]);
        Assert.Equal("01", parts[3]);
        Assert.Equal("vendor=value", received.Header("tracestate"));
    }

    [Fact]
    public async Task Without_traceparent_the_app_gets_a_new_trace()
    {
        await Caller.GetStringAsync($"v1.0/invoke/{Callee}/method/echo/untraced", Ct);

        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", fixture.App.Last("/echo/untraced").Header("traceparent"));
    }

    [Fact]
    public async Task Calling_its_own_app_id_goes_straight_to_the_app()
    {
        var echo = Json(await fixture.Callee.HttpClient.GetStringAsync($"v1.0/invoke/{Callee}/method/echo/self", Ct));

        Assert.Equal("/echo/self", echo.GetProperty("target").GetString());
        var received = fixture.App.Last("/echo/self");
        Assert.Equal(Callee, received.Header("dapr-caller-app-id"));
        Assert.Equal(Callee, received.Header("dapr-callee-app-id"));
        Assert.Equal(ServiceInvocationFixture.AppToken, received.Header("dapr-api-token"));
    }

    [Fact]
    public async Task Caller_without_app_cannot_call_itself()
    {
        using var response = await Caller.GetAsync($"v1.0/invoke/{fixture.CallerId}/method/x", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(
            ("ERR_DIRECT_INVOKE", $"failed to invoke, id: {fixture.CallerId}, err: cannot invoke local endpoint: app channel not initialized"),
            await InvocationSidecars.ErrorAsync(response));
    }
}
