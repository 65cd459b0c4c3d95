using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sdk.Tests.Client;

public sealed class InvocationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Typed_invocation_sends_verb_path_query_body_and_token_and_reads_the_answer()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(200, """{"sku":"A-1","price":12.5}"""));
        using var client = sidecar.CreateClient();

        var product = await client.InvokeMethodAsync<Order, Product>(HttpMethod.Put, "catalog", "api/items/7?draft=true", new Order("o-1", 3), Ct);

        Assert.Equal(new Product("A-1", 12.5m), product);
        var request = sidecar.SingleRequest();
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/v1.0/invoke/catalog/method/api/items/7?draft=true", request.RawTarget);
        Assert.Equal(RecordingSidecar.ApiToken, request.Header("dapr-api-token"));
        Assert.Equal("application/json", request.ContentType);
        JsonAssert.Equal("""{"id":"o-1","quantity":3}""", request.BodyText);
    }

    [Fact]
    public async Task Invocation_without_verb_is_a_POST_and_a_leading_slash_in_the_method_is_not_doubled()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Json(200, "42"));
        using var client = sidecar.CreateClient();

        var answer = await client.InvokeMethodAsync<int>("calculator", "/add", Ct);

        Assert.Equal(42, answer);
        var request = sidecar.SingleRequest();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/invoke/calculator/method/add", request.RawTarget);
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task An_empty_204_answer_yields_default()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        var answer = await client.InvokeMethodAsync<Product>(HttpMethod.Get, "catalog", "api/items/404", Ct);

        Assert.Null(answer);
    }

    [Fact]
    public async Task An_answer_that_is_not_json_for_the_response_type_is_a_DaprException()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Body(200, "text/html", "<html>oops</html>"));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprException>(() => client.InvokeMethodAsync<Product>(HttpMethod.Get, "catalog", "api/items/1", Ct));

        Assert.IsType<JsonException>(error.InnerException);
        Assert.Contains("catalog", error.Message);
    }

    [Fact]
    public async Task No_token_header_is_sent_when_no_api_token_is_configured()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        using var client = sidecar.CreateClient(apiToken: null);

        await client.InvokeMethodAsync(HttpMethod.Delete, "catalog", "api/items/1", Ct);

        Assert.Null(sidecar.SingleRequest().Header("dapr-api-token"));
    }

    [Fact]
    public async Task A_problem_details_answer_surfaces_as_DaprInvocationException_with_the_parsed_problem()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Body(
            422,
            "application/problem+json",
            """{"type":"https://tools.ietf.org/html/rfc4918#section-11.2","title":"Validation failed","status":422,"detail":"quantity must be positive","traceId":"abc"}"""));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprInvocationException>(() =>
            client.InvokeMethodAsync("ordering", "api/orders", new Order("o-1", -1), Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.StatusCode);
        Assert.Equal("ordering", error.AppId);
        Assert.Equal("api/orders", error.MethodName);
        Assert.NotNull(error.Problem);
        Assert.Equal("Validation failed", error.Problem.Title);
        Assert.Equal("quantity must be positive", error.Problem.Detail);
        Assert.Equal(422, error.Problem.Status);
        Assert.Equal("abc", error.Problem.Extensions["traceId"]?.ToString());
        Assert.Null(error.SidecarError);
    }

    [Fact]
    public async Task A_sidecar_failure_surfaces_as_DaprInvocationException_carrying_the_DaprApiException()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Error(500, "ERR_DIRECT_INVOKE", "failed to invoke, id: ghost, err: couldn't find service: ghost"));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprInvocationException>(() => client.InvokeMethodAsync<Product>(HttpMethod.Get, "ghost", "api", Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Null(error.Problem);
        Assert.NotNull(error.SidecarError);
        Assert.Equal("ERR_DIRECT_INVOKE", error.SidecarError.ErrorCode);
        Assert.Contains("couldn't find service", error.Message);
    }

    [Fact]
    public async Task A_plain_non_success_answer_keeps_status_and_body()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Body(404, "text/plain", "no such item"));
        using var client = sidecar.CreateClient();

        var error = await Assert.ThrowsAsync<DaprInvocationException>(() => client.InvokeMethodAsync(HttpMethod.Get, "catalog", "api/items/9", Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("no such item", error.ResponseBody);
        Assert.Null(error.Problem);
        Assert.Null(error.SidecarError);
    }

    [Fact]
    public async Task InvokeMethodWithResponseAsync_returns_the_raw_answer_and_adds_the_token()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Body(409, "text/plain", "conflict"));
        using var client = sidecar.CreateClient();

        using var request = client.CreateInvokeMethodRequest(HttpMethod.Post, "ordering", "api/orders", new Order("o-2", 1));
        using var response = await client.InvokeMethodWithResponseAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("conflict", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(RecordingSidecar.ApiToken, sidecar.SingleRequest().Header("dapr-api-token"));
    }

    [Fact]
    public async Task An_HttpClient_with_AddDaprInvocation_rewrites_app_addresses_to_the_sidecar_and_streams_the_body()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Body(201, "application/json", """{"ok":true}""", ("Location", "/api/products/9")));
        var services = new ServiceCollection();
        services.AddOptions<DaprClientOptions>().Configure(o =>
        {
            o.HttpEndpoint = sidecar.Endpoint;
            o.ApiToken = RecordingSidecar.ApiToken;
        });
        services.AddHttpClient("catalog", c => c.BaseAddress = new Uri("http://catalog-api")).AddDaprInvocation();
        await using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("catalog");

        var payload = Encoding.UTF8.GetBytes("""{"sku":"A-9"}""");
        using var content = new StreamContent(new MemoryStream(payload));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.catalog+json");
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/products?q=1&tag=a%20b") { Content = content };
        message.Headers.Add("X-Correlation-Id", "corr-1");
        using var response = await http.SendAsync(message, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/products/9", response.Headers.Location?.OriginalString);
        var request = sidecar.SingleRequest();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/invoke/catalog-api/method/api/products?q=1&tag=a%20b", request.RawTarget);
        Assert.Equal("corr-1", request.Header("X-Correlation-Id"));
        Assert.Equal(RecordingSidecar.ApiToken, request.Header("dapr-api-token"));
        Assert.Equal("application/vnd.catalog+json", request.ContentType);
        Assert.Equal(payload, request.Body);
    }

    [Fact]
    public async Task EnsureInvocationSucceededAsync_turns_a_handler_routed_failure_into_DaprInvocationException()
    {
        await using var sidecar = await RecordingSidecar.StartAsync();
        sidecar.Respond(DaprResponses.Body(404, "application/problem+json", """{"title":"Not Found","status":404}"""));
        using var http = new HttpClient(new DaprInvocationHandler(new DaprClientOptions { HttpEndpoint = sidecar.Endpoint, ApiToken = null })
        {
            InnerHandler = new SocketsHttpHandler(),
        });

        using var response = await http.GetAsync("http://basket/api/baskets/b-1", Ct);
        var error = await Assert.ThrowsAsync<DaprInvocationException>(() => response.EnsureInvocationSucceededAsync(Ct));

        Assert.Equal("basket", error.AppId);
        Assert.Equal("api/baskets/b-1", error.MethodName);
        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("Not Found", error.Problem?.Title);
        Assert.Equal("/v1.0/invoke/basket/method/api/baskets/b-1", sidecar.SingleRequest().RawTarget);
        Assert.Null(sidecar.SingleRequest().Header("dapr-api-token"));
    }

    [Fact]
    public async Task The_handler_refuses_relative_request_uris()
    {
        // HttpMessageInvoker, unlike HttpClient, hands relative URIs straight to the handler.
        using var invoker = new HttpMessageInvoker(new DaprInvocationHandler(new DaprClientOptions { HttpEndpoint = "http://127.0.0.1:1" })
        {
            InnerHandler = new SocketsHttpHandler(),
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api", UriKind.Relative));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(request, Ct));
        Assert.Contains("app id", error.Message);
    }
}
