using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

// DaprClient's InvokeMethod* family is marked obsolete in favour of CreateInvokeHttpClient, yet apps still call it:
// both are what the sidecar must serve.
#pragma warning disable CS0618

namespace DaprPlatform.Conformance.Tests.Client;

/// <summary>A callee ASP.NET Core app behind its sidecar, and a caller sidecar (no app) with an SDK client.</summary>
public sealed class InvocationFixture(InfraFixture infra) : IAsyncLifetime
{
    private ResourcesDirectory? _resources;

    public string CalleeId { get; } = infra.UniqueName("callee");

    public DaprWebApp Callee { get; private set; } = null!;

    public SidecarProcess CallerSidecar { get; private set; } = null!;

    public DaprClient Caller { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _resources = ConformanceComponents.Create(infra);
        Callee = await DaprWebApp.StartAsync(CalleeId, _resources.Path, app =>
        {
            app.MapGet("/orders/{id}", (string id) => new Order(id, 3));
            app.MapPost("/orders", (Order order, HttpRequest request) =>
                new InvocationEcho(order, request.Headers["dapr-caller-app-id"].ToString(), request.Headers["dapr-callee-app-id"].ToString()));
            app.MapPut("/orders/{id}/quantity", (string id, int quantity) => new Order(id, quantity));
            app.MapDelete("/orders/{id}", (string id) => TypedResults.NoContent());
            app.MapPost("/conflict", () => TypedResults.Problem(title: "order already shipped", statusCode: StatusCodes.Status409Conflict));
        });
        CallerSidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions
        {
            AppId = infra.UniqueName("caller"),
            ResourcesPaths = [_resources.Path],
        });
        Caller = ConformanceComponents.ClientFor(CallerSidecar);
    }

    public async ValueTask DisposeAsync()
    {
        Caller?.Dispose();
        if (CallerSidecar is not null)
        {
            await CallerSidecar.DisposeAsync();
        }

        if (Callee is not null)
        {
            await Callee.DisposeAsync();
        }

        _resources?.Dispose();
    }
}

public sealed record InvocationEcho(Order Order, string CallerAppId, string CalleeAppId);

/// <summary>Dapr.Client's invocation API through two real sidecars (caller's and callee's) to a real ASP.NET Core app.</summary>
public sealed class InvocationTests(InvocationFixture fixture) : IClassFixture<InvocationFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DaprClient Caller => fixture.Caller;

    [Fact]
    public async Task GET_with_a_typed_response()
    {
        var order = await Caller.InvokeMethodAsync<Order>(HttpMethod.Get, fixture.CalleeId, "orders/7", Ct);

        Assert.Equal(new Order("7", 3), order);
    }

    [Fact]
    public async Task POST_with_a_JSON_body_arrives_with_the_caller_and_callee_ids()
    {
        var echo = await Caller.InvokeMethodAsync<Order, InvocationEcho>(fixture.CalleeId, "orders", new Order("o-9", 2), Ct);

        Assert.Equal(new InvocationEcho(new Order("o-9", 2), fixture.CallerSidecar.AppId, fixture.CalleeId), echo);
    }

    [Fact]
    public async Task Query_strings_and_other_verbs_reach_the_app()
    {
        var request = Caller.CreateInvokeMethodRequest(HttpMethod.Put, fixture.CalleeId, "orders/5/quantity", [new("quantity", "11")]);
        Assert.Equal(new Order("5", 11), await Caller.InvokeMethodAsync<Order>(request, Ct));

        using var response = await Caller.InvokeMethodWithResponseAsync(
            Caller.CreateInvokeMethodRequest(HttpMethod.Delete, fixture.CalleeId, "orders/5"), Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task An_app_problem_response_is_an_invocation_exception_with_the_apps_status_and_body()
    {
        var error = await Assert.ThrowsAsync<InvocationException>(
            () => Caller.InvokeMethodAsync(HttpMethod.Post, fixture.CalleeId, "conflict", Ct));

        Assert.Equal(fixture.CalleeId, error.AppId);
        Assert.Equal("conflict", error.MethodName);
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var problem = await error.Response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("order already shipped", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_method_the_app_does_not_have_is_an_invocation_exception_with_404()
    {
        var error = await Assert.ThrowsAsync<InvocationException>(
            () => Caller.InvokeMethodAsync<Order>(HttpMethod.Get, fixture.CalleeId, "no-such-method", Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task An_app_id_nobody_runs_is_an_invocation_exception_with_daprds_ERR_DIRECT_INVOKE()
    {
        var error = await Assert.ThrowsAsync<InvocationException>(
            () => Caller.InvokeMethodAsync<Order>(HttpMethod.Get, "nobody-runs-this", "orders/1", Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);
        var body = await error.Response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("ERR_DIRECT_INVOKE", body.GetProperty("errorCode").GetString());
    }

    [Fact]
    public async Task Create_invoke_http_client_addresses_the_app_by_id()
    {
        using var http = DaprClient.CreateInvokeHttpClient(fixture.CalleeId, $"http://127.0.0.1:{fixture.CallerSidecar.HttpPort}");

        var order = await http.GetFromJsonAsync<Order>("orders/42", JsonSerializerOptions.Web, Ct);

        Assert.Equal(new Order("42", 3), order);
    }

    [Fact]
    public async Task An_http_client_with_the_invocation_handler_from_the_factory_addresses_the_app_by_id()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("callee", client => client.BaseAddress = new Uri($"http://{fixture.CalleeId}/"))
            .AddHttpMessageHandler(() => new InvocationHandler { DaprEndpoint = $"http://127.0.0.1:{fixture.CallerSidecar.HttpPort}" });
        await using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("callee");

        var order = await http.GetFromJsonAsync<Order>("orders/42", JsonSerializerOptions.Web, Ct);

        Assert.Equal(new Order("42", 3), order);
    }
}
